"""The open-data block of the front page."""

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_counts_datasets_and_links_the_newest(client, test_exporter):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="home-open_data"' in html
    assert "1 dataset in CSV" in html
    assert "/data/datasets/test-signatures/" in html
    assert "測試連署 &lt;script&gt;" in html
