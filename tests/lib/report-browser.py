# report-browser.py FILE PROFILE_DIR EXPECT: open a report's HTML file in headless Chromium
# (chromium-driver, python3-selenium) and check it is drawn: the page's language, title and
# headings; per chart the SVG element with its <title> and <desc> and as many bars as EXPECT
# says (JSON: {"chart-ID": bars, ...}, and no other chart), bars of non-zero width, a table
# per section; no request leaves the page; and a screenshot that is not blank and shows the
# first chart colour. Prints "ok STEP" or "not ok STEP: why" per step; exits 1 on a failure.
import json
import struct
import sys
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

path, profile, expect = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
failed = 0


def step(name, good, why=""):
    global failed
    if good:
        print("ok %s" % name, flush=True)
    else:
        failed += 1
        print("not ok %s: %s" % (name, why), flush=True)


def png_pixels(data):
    """(width, height, rows of RGB(A) tuples) of an 8-bit non-interlaced PNG (what Chromium writes)"""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    out = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, out


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--window-size=900,1400", "--user-data-dir=" + profile):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
try:
    driver.get("file://" + path)
    step("html lang", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    step("a title", driver.title.endswith("- postdesk report"), driver.title)
    h1 = driver.find_elements(By.TAG_NAME, "h1")
    step("one h1", len(h1) == 1, "%d" % len(h1))
    svgs = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    ids = sorted(s.get_attribute("id") for s in svgs)
    step("the charts", ids == sorted(expect), "got %s, want %s" % (ids, sorted(expect)))
    for svg in svgs:
        cid = svg.get_attribute("id")
        bars = svg.find_elements(By.CSS_SELECTOR, "rect.bar")
        step("%s: bars" % cid, len(bars) == expect.get(cid), "got %d, want %s" % (len(bars), expect.get(cid)))
        labelled = svg.get_attribute("aria-labelledby") or ""
        titles = driver.execute_script("return arguments[0].querySelectorAll(':scope > title, :scope > desc').length", svg)
        step("%s: title and desc" % cid, titles == 2 and len(labelled.split()) == 2, "%d, %r" % (titles, labelled))
        step("%s: role img" % cid, svg.get_attribute("role") == "img")
        wide = driver.execute_script(
            "return Array.from(arguments[0].querySelectorAll('rect.bar')).filter(r => r.getBBox().width > 0).length", svg)
        step("%s: drawn bars have a width" % cid, wide > 0, "%d" % wide)
        shown = svg.size
        step("%s: laid out" % cid, shown["width"] > 100 and shown["height"] > 30, repr(shown))
    tables = driver.find_elements(By.CSS_SELECTOR, "section table")
    sections = driver.find_elements(By.CSS_SELECTOR, "section")
    step("a table per section", len(tables) == len(sections) and tables, "%d tables, %d sections" % (len(tables), len(sections)))
    step("tables have column headers", all(t.find_elements(By.CSS_SELECTOR, "th[scope=col]") for t in tables))
    requests = driver.execute_script("return performance.getEntriesByType('resource').length")
    step("nothing fetched from anywhere", requests == 0, "%d requests" % requests)
    step("no script", not driver.find_elements(By.TAG_NAME, "script"))
    logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    step("no errors in the console", not logs, repr(logs))
    width, height, pixels = png_pixels(driver.get_screenshot_as_png())
    colours = {}
    for row in pixels[::2]:
        for p in row[::2]:
            colours[p] = colours.get(p, 0) + 1
    white = colours.get((255, 255, 255), 0)
    total = sum(colours.values())
    step("the screenshot is not blank", len(colours) > 10 and white < total * 0.98,
         "%d colours, %d of %d white" % (len(colours), white, total))
    bar = colours.get((0x1f, 0x5f, 0x99), 0)
    step("the screenshot shows the bars' colour", bar > 50, "%d pixels" % bar)
finally:
    driver.quit()
sys.exit(1 if failed else 0)
