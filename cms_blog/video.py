"""Local parsing of YouTube and Vimeo URLs into privacy-enhanced embeds.

No oEmbed or other network call is ever made: the provider, id and start time are read from the
URL itself, and the player URL is built from them.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
YOUTUBE_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
YOUTUBE_SHORT_HOSTS = {"youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_PATH = re.compile(
    r"^/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?$"
)
DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class VideoProvider(TextChoices):
    YOUTUBE = "youtube", "YouTube"
    VIMEO = "vimeo", "Vimeo"


class VideoURLError(ValueError):
    """The URL is not a YouTube or Vimeo video URL we can embed."""


@dataclass(frozen=True)
class Video:
    provider: VideoProvider
    video_id: str
    start: int = 0
    # Vimeo's private-link hash, needed to embed unlisted videos.
    private_hash: str = ""

    @property
    def embed_url(self) -> str:
        if self.provider is VideoProvider.YOUTUBE:
            query = f"?{urlencode({'start': self.start})}" if self.start else ""
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}{query}"
        params = {"dnt": 1}
        if self.private_hash:
            params["h"] = self.private_hash
        fragment = f"#t={self.start}s" if self.start else ""
        return f"https://player.vimeo.com/video/{self.video_id}?{urlencode(params)}{fragment}"

    @property
    def thumbnail_url(self) -> str | None:
        if self.provider is VideoProvider.YOUTUBE:
            return f"https://i.ytimg.com/vi/{self.video_id}/hqdefault.jpg"
        return None  # Vimeo thumbnails need an API call, which we never make.


def parse_duration(value: str) -> int:
    """'90', '90s', '1m30s' and '1h2m3s' are all understood; anything else is 0."""
    match = DURATION.match(value.strip().lower())
    if not value or not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_video_url(url: str) -> Video:
    """Return the ``Video`` a YouTube or Vimeo URL points to, or raise ``VideoURLError``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VideoURLError(_("Enter a YouTube or Vimeo video URL."))
    host = parts.hostname.lower()
    query = parse_qs(parts.query)
    path_bits = [bit for bit in parts.path.split("/") if bit]

    if host in YOUTUBE_HOSTS | YOUTUBE_NOCOOKIE_HOSTS | YOUTUBE_SHORT_HOSTS:
        video_id = ""
        if host in YOUTUBE_SHORT_HOSTS and path_bits:
            video_id = path_bits[0]
        elif host in YOUTUBE_HOSTS and parts.path.rstrip("/") == "/watch":
            video_id = query.get("v", [""])[0]
        elif len(path_bits) == 2 and path_bits[0] in ("shorts", "embed", "live", "v"):
            video_id = path_bits[1]
        if not YOUTUBE_ID.match(video_id):
            raise VideoURLError(_("This YouTube URL does not name a video."))
        start = query.get("t", query.get("start", [""]))[0]
        return Video(VideoProvider.YOUTUBE, video_id, parse_duration(start))

    if host in VIMEO_HOSTS:
        match = VIMEO_PATH.match(parts.path)
        if not match:
            raise VideoURLError(_("This Vimeo URL does not name a video."))
        video_id, private_hash = match.groups()
        private_hash = private_hash or query.get("h", [""])[0]
        start = parse_duration(parts.fragment[2:]) if parts.fragment.startswith("t=") else 0
        return Video(VideoProvider.VIMEO, video_id, start, private_hash)

    raise VideoURLError(_("Only YouTube and Vimeo videos can be embedded."))
