"""Webhooks for frontends: signed POSTs (Standard Webhooks) when public content changes.

- ``events.py``: which events there are and what they carry;
- ``delivery.py``: signing, sending as a task, retries with backoff, the delivery log;
- ``admin.py``: endpoints and the log in the Wagtail admin, with a "send test event" action.

The models are ``cms_blog.models.WebhookEndpoint`` and ``WebhookDelivery``; docs/webhooks.md
has the payloads and a Next.js receiver.
"""
