"""Import a WordPress blog (a WXR export and a copy of its uploads): posts, media and every
threaded comment. ``manage.py import_wordpress`` runs it; docs/wordpress.md explains it."""
