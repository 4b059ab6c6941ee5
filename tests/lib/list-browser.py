# list-browser.py PREFS_URL UNSUBSCRIBE_URL PROFILE_DIR: drive headless Chromium
# (chromium-driver, python3-selenium) through a subscriber's pages: the preference page
# (labelled checkboxes from the list's topics, untick one, pick nothing else, save) and the
# unsubscribe page (the button, then the "you have left" page). No JavaScript is needed: the
# pages work with it switched off. Prints "ok STEP" or "not ok STEP: why" per step; exits 1
# if a step failed.
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

prefs_url, unsub_url, profile = sys.argv[1:4]
failed = 0


def step(name, good, why=""):
    global failed
    if good:
        print("ok %s" % name, flush=True)
    else:
        failed += 1
        print("not ok %s: %s" % (name, why), flush=True)


def click_and_wait(element):
    """click, then wait until the page it leads to has replaced the current one and shows
    its main part"""
    html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    # while the old document is being replaced, asking about its node can fail with
    # "Node with given id does not belong to the document" instead of a stale-element
    # error: that too means the page is going, so ask again
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(html))
    WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "main")))


def settled(read):
    """READ() once the new page has settled: a slow server (a sanitizer build) can still be
    replacing the document when the first lookup runs"""
    for attempt in range(20):
        try:
            return read()
        except WebDriverException:
            if attempt == 19:
                raise
            time.sleep(0.25)


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile):
    opts.add_argument(a)
# the pages must work without JavaScript
opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
try:
    driver.get(prefs_url)
    step("prefs page title", "Your preferences for Example News" in driver.title, driver.title)
    step("html lang", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    step("one heading names the list", h1 == "Your preferences for Example News", h1)
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=topic]")
    step("a checkbox per topic", len(boxes) == 3, "%d boxes" % len(boxes))
    labelled = all(driver.find_elements(By.CSS_SELECTOR, "label[for='%s']" % b.get_attribute("id"))
                   for b in boxes)
    step("every checkbox has a label", labelled and boxes)
    legend = driver.find_elements(By.TAG_NAME, "legend")
    step("the topics are a fieldset with a legend", len(legend) == 1)
    step("all ticked before any choice", all(b.is_selected() for b in boxes))
    # untick "events" by clicking its label (what a mouse user does)
    driver.find_element(By.XPATH, "//label[normalize-space()='events']").click()
    step("the label toggles its checkbox",
         not driver.find_element(By.CSS_SELECTOR, "input[value=events]").is_selected())
    colour = driver.find_element(By.CSS_SELECTOR, "nav a").value_of_css_property("color")
    step("the kb style sheet applies under the CSP", colour in ("rgba(11, 79, 156, 1)", "rgb(11, 79, 156)"), colour)
    click_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Save my preferences']"))
    status = settled(lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=status]")])
    step("saved, and it says so", status and "saved" in status[0], repr(status))
    ticked = settled(lambda: [b.get_attribute("value") for b in
                              driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=topic]")
                              if b.is_selected()])
    step("the page shows the saved choice", ticked == ["releases", "security"], repr(ticked))
    logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    step("no errors in the console", not logs, repr(logs))

    links = driver.find_elements(By.LINK_TEXT, "Leave the list")
    step("the prefs page links to leaving", len(links) == 1)
    driver.get(unsub_url)
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    step("the unsubscribe page", h1 == "Leave the list Example News", h1)
    buttons = driver.find_elements(By.XPATH, "//button[normalize-space()='Unsubscribe']")
    step("it shows one button", len(buttons) == 1, "%d buttons" % len(buttons))
    if buttons:
        click_and_wait(buttons[0])
        h1 = settled(lambda: driver.find_element(By.TAG_NAME, "h1").text)
        step("pressing it: you have left", h1 == "You have left the list", h1)
    driver.get(prefs_url)
    step("afterwards the prefs page says so", "You are not subscribed" in driver.find_element(By.TAG_NAME, "main").text)
finally:
    driver.quit()
sys.exit(1 if failed else 0)
