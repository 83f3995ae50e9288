def test_post_page_renders(client, make_post, make_image):
    image = make_image(description="A map of Europe in 1815")
    post = make_post(
        "Vienna 1815",
        body=[
            ("text", "<p>Hello <b>world</b></p>"),
            ("figure", {"image": image, "caption": "Europe", "source": 1}),
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ?t=42", "caption": ""}),
            ("quote", {"text": "Quote", "attribution": "Me", "source": 1}),
        ],
        sources=["Hobsbawm 1962"],
        tags=["history"],
    )
    response = client.get(post.url)
    assert response.status_code == 200
    html = response.content.decode()
    print(html)
    response = client.get(post.get_parent().url)
    assert response.status_code == 200
    print(response.content.decode())
