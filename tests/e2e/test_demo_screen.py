"""The demo's layout fits the screen it runs on: a 1080p desktop gets the 4K layout at half size."""

from demo.screen import SCREEN, WINDOW_PLACES, places_for, scale_for


def test_a_4k_or_bigger_screen_keeps_the_layout_as_drawn():
    assert scale_for(*SCREEN) == 1.0
    assert scale_for(5120, 2880) == 1.0
    assert places_for(1.0) == WINDOW_PLACES


def test_a_smaller_screen_gets_every_window_inside_it():
    for width, height in ((1920, 1080), (1366, 768), (2560, 1440), (1280, 1024)):
        scale = scale_for(width, height)
        assert scale < 1
        for x, y, w, h in places_for(scale).values():
            assert 0 <= x and x + w <= width and 0 <= y and y + h <= height


def test_half_size_on_1080p():
    assert scale_for(1920, 1080) == 0.5
    assert places_for(0.5)["kiosk"] == (0, 0, 540, 960)
