def test_home_page_lists_focus_countries(client, db):
    response = client.get("/")
    assert response.status_code == 200
    for name in ("Germany", "China", "United States"):
        assert name in response.content.decode()
