"""Video URLs are parsed locally into privacy-enhanced player URLs; anything else is refused."""

import pytest

from cms_blog.video import Video, VideoProvider, VideoURLError, parse_duration, parse_video_url

YT = VideoProvider.YOUTUBE
VIMEO = VideoProvider.VIMEO


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the classic watch URL
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Video(YT, "dQw4w9WgXcQ")),
        # watch URL without www, over http, with other query parameters around v=
        ("http://youtube.com/watch?feature=share&v=dQw4w9WgXcQ", Video(YT, "dQw4w9WgXcQ")),
        # the mobile site, trailing slash on /watch
        ("https://m.youtube.com/watch/?v=dQw4w9WgXcQ", Video(YT, "dQw4w9WgXcQ")),
        # t= in seconds is kept
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", Video(YT, "dQw4w9WgXcQ", 42)),
        # t= in YouTube's 1m30s notation is kept
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", Video(YT, "dQw4w9WgXcQ", 90)),
        # the share link
        ("https://youtu.be/dQw4w9WgXcQ", Video(YT, "dQw4w9WgXcQ")),
        # the share link with a start time in seconds and an s suffix
        ("https://youtu.be/dQw4w9WgXcQ?t=42s", Video(YT, "dQw4w9WgXcQ", 42)),
        # Shorts
        ("https://www.youtube.com/shorts/aqz-KE-bpKQ", Video(YT, "aqz-KE-bpKQ")),
        # an embed URL pasted from YouTube's privacy-enhanced share dialog, start= kept
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=75",
            Video(YT, "dQw4w9WgXcQ", 75),
        ),
        # a plain embed URL; the host is case-insensitive
        ("https://WWW.YouTube.com/embed/dQw4w9WgXcQ", Video(YT, "dQw4w9WgXcQ")),
        # an unreadable start time is ignored rather than refused
        ("https://youtu.be/dQw4w9WgXcQ?t=soon", Video(YT, "dQw4w9WgXcQ")),
        # a public Vimeo video
        ("https://vimeo.com/76979871", Video(VIMEO, "76979871")),
        # the Vimeo player URL
        ("https://player.vimeo.com/video/76979871", Video(VIMEO, "76979871")),
        # an unlisted Vimeo video: the private hash is the second path segment
        ("https://vimeo.com/76979871/8a1b2c3d4e", Video(VIMEO, "76979871", 0, "8a1b2c3d4e")),
        # an unlisted video on the player, hash in h=, start time in the fragment
        (
            "https://player.vimeo.com/video/76979871?h=8a1b2c3d4e#t=1m5s",
            Video(VIMEO, "76979871", 65, "8a1b2c3d4e"),
        ),
        # a video inside a channel
        ("https://vimeo.com/channels/staffpicks/76979871", Video(VIMEO, "76979871")),
    ],
)
def test_parse_good_urls(url, expected):
    assert parse_video_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        # not a video provider
        "https://example.com/watch?v=dQw4w9WgXcQ",
        # a look-alike host
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        # the real host is after the @
        "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        # not http(s)
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        # not http(s) either
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        # no scheme at all
        "youtube.com/watch?v=dQw4w9WgXcQ",
        # the empty string
        "",
        # a YouTube id is exactly 11 characters
        "https://www.youtube.com/watch?v=dQw4w9WgXc",
        # a YouTube id has no other characters than letters, digits, - and _
        "https://www.youtube.com/watch?v=dQw4w9WgX<>",
        # a watch page without v=
        "https://www.youtube.com/watch?list=PL123",
        # a channel page
        "https://www.youtube.com/@SomeChannel",
        # the share host without an id
        "https://youtu.be/",
        # a Vimeo page that is not a video
        "https://vimeo.com/channels/staffpicks",
        # a Vimeo id is numeric
        "https://vimeo.com/abc123",
    ],
)
def test_parse_bad_urls(url):
    with pytest.raises(VideoURLError):
        parse_video_url(url)


@pytest.mark.parametrize(
    ("video", "embed_url"),
    [
        # YouTube always plays from the no-cookie domain
        (Video(YT, "dQw4w9WgXcQ"), "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        # with its start time as start=
        (
            Video(YT, "dQw4w9WgXcQ", 42),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42",
        ),
        # Vimeo is always asked not to track (dnt=1)
        (Video(VIMEO, "76979871"), "https://player.vimeo.com/video/76979871?dnt=1"),
        # an unlisted Vimeo video needs its hash, and starts at #t=
        (
            Video(VIMEO, "76979871", 65, "8a1b2c3d4e"),
            "https://player.vimeo.com/video/76979871?dnt=1&h=8a1b2c3d4e#t=65s",
        ),
    ],
)
def test_embed_url(video, embed_url):
    assert video.embed_url == embed_url


def test_thumbnail_url_is_only_known_for_youtube():
    assert (
        Video(YT, "dQw4w9WgXcQ").thumbnail_url == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    )
    assert Video(VIMEO, "76979871").thumbnail_url is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("90", 90),  # bare seconds
        ("90s", 90),  # seconds with a suffix
        ("1m30s", 90),  # minutes and seconds
        ("1h2m3s", 3723),  # hours, minutes and seconds
        ("2M", 120),  # suffixes are case-insensitive
        ("", 0),  # nothing
        ("later", 0),  # nonsense
    ],
)
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds
