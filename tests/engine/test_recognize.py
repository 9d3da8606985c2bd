"""Recognition of generated codes: every type zxing-cpp reads, turned, scaled, noisy, JPEG q30, several per image,
inverted; type restriction, regions, checksums, time budget, thread safety."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from barcode_cloud_server.engine import recognition
from barcode_cloud_server.engine import recognize_passes as rp
from barcode_cloud_server.engine.errors import InvalidOption
from barcode_cloud_server.engine.images import load_image_bytes
from barcode_cloud_server.engine.recognize import (
    BUDGET_SECONDS,
    OWN_FLOOR,
    ImageKind,
    Mode,
    recognize_array,
    recognize_bytes,
)
from barcode_cloud_server.engine.recognize_budget import PRIOR_READ_NS, SAFETY, Clock
from tests.support.cpu_clock import engine_on_cpu_time
from tests.support.generate import gen, open_image
from tests.support.samples import SAMPLES, Sample, render

IDS = [f"{s.type}" for s in SAMPLES]


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    if degrees % 90 == 0:
        return np.ascontiguousarray(np.rot90(gray, k=int(degrees // 90)))
    im = Image.fromarray(gray).rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return np.asarray(im)


def degrade(gray: np.ndarray, seed: int, sigma: float = 18.0, quality: int = 30) -> bytes:
    """Gaussian noise, then JPEG at ``quality``."""
    rng = np.random.default_rng(seed)
    noisy = np.clip(gray.astype(np.float32) + rng.normal(0, sigma, gray.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def values(dets: list, type_name: str | None = None) -> list[str]:  # type: ignore[type-arg]
    return [d.value for d in dets if type_name is None or d.type == type_name]


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_every_type_at_every_right_angle(sample: Sample, turn: int) -> None:
    gray = rotate(render(sample), turn)
    found = recognize_array(gray, [sample.type])
    assert [(d.type, d.value) for d in found] == [(sample.type, sample.value)]


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_every_type_is_found_by_scan(sample: Sample) -> None:
    found = recognize_array(render(sample, module=2), None)
    assert sample.value in values(found), found


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
@pytest.mark.parametrize("module", [2, 5])
def test_every_type_noisy_jpeg_q30(sample: Sample, module: int) -> None:
    data = degrade(render(sample, module=module), seed=module)
    found = recognize_bytes(data, [sample.type], Mode.NORMAL)
    assert values(found, sample.type) == [sample.value]


@pytest.mark.parametrize(
    "sample",
    [s for s in SAMPLES if s.type in ("QR", "DataMatrix", "Aztec", "Code128", "EAN13", "Pdf417", "UPCA", "Code39")],
    ids=lambda s: s.type,
)
@pytest.mark.parametrize("angle", [12, 33, -25])
def test_skewed_codes_with_their_region_in_original_coordinates(sample: Sample, angle: float) -> None:
    code = render(sample, module=3)
    turned = rotate(code, angle)
    oy, ox = 40, 70
    canvas = np.full((turned.shape[0] + 120, turned.shape[1] + 160), 255, dtype=np.uint8)
    canvas[oy : oy + turned.shape[0], ox : ox + turned.shape[1]] = turned
    found = recognize_array(canvas, [sample.type], Mode.NORMAL)
    assert values(found) == [sample.value]
    cx = np.mean([p[0] for p in found[0].region])
    cy = np.mean([p[1] for p in found[0].region])
    assert abs(cx - (ox + turned.shape[1] / 2)) < 0.2 * turned.shape[1]
    assert abs(cy - (oy + turned.shape[0] / 2)) < 0.2 * turned.shape[0]


def test_several_codes_in_one_image_are_all_found_where_they_are() -> None:
    parts = [render(SAMPLES[0]), render(SAMPLES[8]), render(SAMPLES[14]), render(SAMPLES[4])]
    h = max(p.shape[0] for p in parts)
    canvas = np.full((h + 40, sum(p.shape[1] + 40 for p in parts) + 40), 255, dtype=np.uint8)
    boxes = []
    x = 20
    for p in parts:
        canvas[20 : 20 + p.shape[0], x : x + p.shape[1]] = p
        boxes.append((x, 20, x + p.shape[1], 20 + p.shape[0]))
        x += p.shape[1] + 40
    found = recognize_array(canvas, None)
    expected = {SAMPLES[0].value, SAMPLES[8].value, SAMPLES[14].value, SAMPLES[4].value}
    assert set(values(found)) == expected and len(found) == 4
    for det, box in zip(sorted(found, key=lambda d: d.region[0][0]), boxes, strict=True):
        for px, py in det.region:
            assert box[0] - 5 <= px <= box[2] + 5 and box[1] - 5 <= py <= box[3] + 5


def test_type_restriction_and_most_commonly_used() -> None:
    canvas = np.full((400, 1100), 255, dtype=np.uint8)
    qr, c128 = render(SAMPLES[0]), render(SAMPLES[8])
    canvas[10 : 10 + qr.shape[0], 10 : 10 + qr.shape[1]] = qr
    canvas[10 : 10 + c128.shape[0], 400 : 400 + c128.shape[1]] = c128
    assert [d.type for d in recognize_array(canvas, ["QR"])] == ["QR"]
    assert [d.type for d in recognize_array(canvas, ["Code128"])] == ["Code128"]
    assert sorted(d.type for d in recognize_array(canvas, ["MostCommonlyUsed"])) == ["Code128", "QR"]
    assert recognize_array(canvas, ["Aztec"]) == []
    with pytest.raises(InvalidOption):
        recognize_array(canvas, ["NoSuchType"])


@pytest.mark.parametrize("sample", [SAMPLES[0], SAMPLES[8], SAMPLES[14], SAMPLES[16], SAMPLES[4]], ids=lambda s: s.type)
def test_inverted_codes(sample: Sample) -> None:
    gray = 255 - render(sample)
    assert values(recognize_array(gray, [sample.type], Mode.NORMAL)) == [sample.value]


def test_checksums_are_reported_where_the_symbology_has_one() -> None:
    by_type = {d.type: d for s in (SAMPLES[14], SAMPLES[16], SAMPLES[8]) for d in recognize_array(render(s), None)}
    assert by_type["EAN13"].checksum == SAMPLES[14].value[-1]
    assert by_type["UPCA"].checksum == SAMPLES[16].value[-1]
    assert by_type["Code128"].checksum is None


def test_fast_mode_is_the_plain_reader_and_normal_goes_further() -> None:
    # A small, heavily blurred EAN-13: the plain reader misses it, the extra passes read it.
    code = render(SAMPLES[14], module=2)
    blurred = np.asarray(Image.fromarray(code).resize((code.shape[1] // 2, code.shape[0] // 2), Image.BOX))
    blurred = np.asarray(Image.fromarray(blurred).filter(__import__("PIL.ImageFilter").ImageFilter.GaussianBlur(0.9)))
    fast = recognize_array(blurred, ["EAN13"], Mode.FAST)
    normal = recognize_array(blurred, ["EAN13"], Mode.NORMAL)
    assert len(normal) >= len(fast)
    assert all(d.value == SAMPLES[14].value for d in normal)


def test_time_budget_returns_partial_results_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    noise = np.random.default_rng(7).integers(0, 256, (1500, 1500), dtype=np.uint8)
    t0 = time.monotonic()
    assert recognize_array(noise, None, Mode.EXCELLENT, ImageKind.PHOTO, budget=0.5) == []
    assert time.monotonic() - t0 < 3.0


def test_a_large_noisy_page_in_normal_mode_keeps_to_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    # 40 MP of noise: the slowest content there is (one plain zxing-cpp read of it takes ~4.5 s, and the passes
    # that followed it took the request to ~9.5 s). Now priced before it starts, every read fits the budget.
    noise = np.random.default_rng(11).integers(0, 256, (6000, 6600), dtype=np.uint8)
    t0 = time.monotonic()
    assert recognize_array(noise, None, Mode.NORMAL) == []
    elapsed = time.monotonic() - t0
    assert elapsed < BUDGET_SECONDS[Mode.NORMAL] + 2.5, elapsed


def test_pages_share_the_budget_and_late_pages_are_skipped_when_it_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    rng = np.random.default_rng(12)
    pages = [Image.fromarray(rng.integers(0, 256, (1500, 1500), dtype=np.uint8)) for _ in range(12)]
    pages[0] = Image.fromarray(rotate(render(SAMPLES[0]), 0))  # a code on the first page is still found
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:])
    t0 = time.monotonic()
    found = recognize_bytes(buf.getvalue(), None, Mode.FAST, max_bytes=64 << 20)
    elapsed = time.monotonic() - t0
    assert values(found) == [SAMPLES[0].value]
    assert elapsed < BUDGET_SECONDS[Mode.FAST] + 1.5, elapsed  # 12 full reads and their passes took ~6 s


def test_the_clock_prices_reads_from_what_it_has_seen() -> None:
    clock = Clock(time.monotonic() + 1.0)
    assert clock.read_cost(1_000_000) == pytest.approx(1e6 * PRIOR_READ_NS * 1e-9 * SAFETY)
    clock.learn(1_000_000, 0.05)  # 50 ns a pixel replaces the prior
    assert clock.read_ns == pytest.approx(50.0)
    clock.learn(1_000_000, 0.01)  # a cheaper read later does not lower it
    assert clock.read_ns == pytest.approx(50.0)
    clock.learn(10_000, 5.0)  # too small to teach anything
    assert clock.read_ns == pytest.approx(50.0)
    assert clock.affords(0.5) and not clock.affords(5.0)
    assert clock.pixels_for(clock.read_cost(2_000_000)) == pytest.approx(2_000_000, rel=1e-6)


def test_clear_image_kind_reads_a_clean_code() -> None:
    assert values(recognize_array(render(SAMPLES[4]), ["DataMatrix"], Mode.FAST, ImageKind.CLEAR_IMAGE)) == [
        SAMPLES[4].value
    ]


def test_decoding_is_safe_from_a_thread_pool() -> None:
    images = [rotate(render(s), t) for s in SAMPLES[:10] for t in (0, 90)]
    sequential = [[d.value for d in recognize_array(g, None)] for g in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda g: [d.value for d in recognize_array(g, None)], images))
    assert parallel == sequential
    assert all(v for v in sequential)


def test_pages_of_a_tiff_are_all_searched() -> None:
    first, second = Image.fromarray(render(SAMPLES[0])), Image.fromarray(render(SAMPLES[8]))
    buf = io.BytesIO()
    first.save(buf, format="TIFF", save_all=True, append_images=[second])
    found = recognize_bytes(buf.getvalue(), None)
    assert {(d.page, d.value) for d in found} == {(0, SAMPLES[0].value), (1, SAMPLES[8].value)}


def test_loaded_and_array_paths_agree() -> None:
    gray = render(SAMPLES[0])
    buf = io.BytesIO()
    Image.fromarray(gray).save(buf, format="PNG")
    assert load_image_bytes(buf.getvalue())[0].gray.shape == gray.shape
    assert values(recognize_bytes(buf.getvalue(), ["QR"])) == values(recognize_array(gray, ["QR"]))


@pytest.mark.parametrize("across", [False, True])
def test_a_bent_variant_maps_its_pixels_back_to_where_they_were_sampled(across: bool) -> None:
    gray = np.random.default_rng(3).integers(0, 256, (50, 80), dtype=np.uint8)
    variant = rp.bent(gray, 0.1, across)
    src = gray.astype(np.float64)
    for x, y in [(5, 20), (40, 25), (70, 30), (10, 10)]:
        sx, sy = variant.to_original((x, y))
        x0, y0 = int(sx), int(sy)
        ax, ay = sx - x0, sy - y0
        expected = (
            src[y0, x0] * (1 - ax) * (1 - ay)
            + src[y0, x0 + 1] * ax * (1 - ay)
            + src[y0 + 1, x0] * (1 - ax) * ay
            + src[y0 + 1, x0 + 1] * ax * ay
        )
        assert abs(int(variant.gray[y, x]) - expected) <= 1.0


def test_long_thin_strips_are_neither_an_error_nor_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    engine_on_cpu_time(monkeypatch)
    # Turning a strip by 15 degrees once needed a canvas of gigapixels; zxing-cpp refuses sides over 65535.
    rng = np.random.default_rng(13)
    for shape in [(9, 65_000), (65_000, 9), (1, 70_000)]:
        t0 = time.monotonic()
        assert recognize_array(rng.integers(0, 256, shape, dtype=np.uint8), None, Mode.FAST) == []
        assert time.monotonic() - t0 < BUDGET_SECONDS[Mode.FAST] + 1.5, shape


def test_own_decoders_get_at_least_the_floor_on_a_small_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small page's price is below what its search takes on shared cores: the floor keeps it from being cut off.
    # The clock stands still: what the decoders are allowed is then exactly what was set aside for them, however long
    # the steps before them took on a loaded machine.
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    allowed: list[float] = []

    def find(gray: np.ndarray, types: frozenset[str], deadline: float = 0.0) -> list[recognition.Found]:
        allowed.append(deadline - time.monotonic())
        return []

    monkeypatch.setattr(recognition, "find", find)
    monkeypatch.setattr(recognition, "find_inverted", find)
    page = np.full((60, 80), 255, np.uint8)
    assert 2 * recognition.price(page.shape, frozenset({"Code11"})) * SAFETY < OWN_FLOOR
    assert recognize_array(page, ["Code11"], Mode.NORMAL) == []
    assert allowed == [pytest.approx(OWN_FLOOR, abs=1e-9)] * 2


def test_a_scan_that_a_pass_reads_leaves_the_own_decoders_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # Light bars on a dark ground: the first read misses the EAN-13 (zxing-cpp inverts for 2D symbols only), the
    # inverted pass reads it, and the scan then has what it wanted without the own decoders' search.
    searched: list[frozenset[str]] = []
    real_find = recognition.find

    def find(gray: np.ndarray, types: frozenset[str], deadline: float = 0.0) -> list[recognition.Found]:
        searched.append(types)
        return real_find(gray, types, deadline)

    monkeypatch.setattr(recognition, "find", find)
    (found,) = recognize_array(255 - render(SAMPLES[14]), None, Mode.NORMAL)
    assert (found.value, found.source) == (SAMPLES[14].value, "inverted")
    assert searched == []


def test_a_scan_keeps_the_own_decoders_time_while_the_passes_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Code 11 symbol on a large white page, with a budget the plan's passes alone would spend: the passes leave
    # the own decoders' price for them, which then read it as they did when they ran before the passes.
    engine_on_cpu_time(monkeypatch)
    code = np.asarray(open_image(gen("Code11", "123-45").content).convert("L"))
    page = np.full((1600, 1600), 255, np.uint8)
    page[700 : 700 + code.shape[0], 500 : 500 + code.shape[1]] = code
    price = recognition.price(page.shape, recognition.TYPES - recognition.ASKED_ONLY) * SAFETY
    found = recognize_array(page, None, Mode.NORMAL, budget=price + 0.6)
    assert [(d.type, d.value) for d in found] == [("Code11", "123-45")]
