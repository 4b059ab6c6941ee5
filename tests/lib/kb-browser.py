# kb-browser.py BASE CUSTOMER_LINK PROFILE_DIR: drive headless Chromium (chromium-driver,
# python3-selenium) through the knowledge base: search, open an article, follow a customer
# link from an acknowledgement and press "This answered my question". Prints one line per step,
# "ok STEP" or "not ok STEP: why", for the shell test to count; exits 1 if a step failed.
import sys

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, customer_link, profile = sys.argv[1:4]
failed = 0


def step(name, good, why=""):
    global failed
    if good:
        print("ok %s" % name, flush=True)
    else:
        failed += 1
        print("not ok %s: %s" % (name, why), flush=True)


def click_and_wait(element):
    """click, then wait until the page it leads to has replaced the current one"""
    html = driver.find_element(By.TAG_NAME, "html")
    element.click()
    # while the old document is being replaced, asking about its node can fail with
    # "Node with given id does not belong to the document" instead of a stale-element
    # error: that too means the page is going, so ask again
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(html))


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
try:
    driver.get(base + "/kb/")
    step("home page title", "Knowledge base" in driver.title, driver.title)
    step("html lang", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    field = driver.find_element(By.CSS_SELECTOR, "label[for=q]")
    step("the search field has a label", field.text == "Search the knowledge base", field.text)
    box = driver.find_element(By.ID, "q")
    box.send_keys("thread safe")
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"))
    step("search results page", "/kb/search?q=thread+safe" in driver.current_url, driver.current_url)
    links = driver.find_elements(By.LINK_TEXT, "Is zlib thread-safe?")
    step("the article is found", len(links) == 1, "%d links" % len(links))
    if links:
        click_and_wait(links[0])
        h1 = driver.find_element(By.TAG_NAME, "h1").text
        step("the article opens", h1 == "Is zlib thread-safe?", h1)
        step("the article's text", "thread-safe" in driver.find_element(By.TAG_NAME, "article").text)
        colour = driver.find_element(By.CSS_SELECTOR, "nav a").value_of_css_property("color")
        step("the style sheet applies under the CSP", colour in ("rgba(11, 79, 156, 1)", "rgb(11, 79, 156)"), colour)
    logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    step("no errors in the console", not logs, repr(logs))

    driver.get(customer_link)
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    step("the customer link opens the customer-level article", h1 == "Frobnicator warranty extension", h1)
    driver.get(base + "/kb/frob-warranty")
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    step("without the link it is not found", h1 == "Page not found", h1)
    answered = customer_link.replace("/kb/frob-warranty?", "/kb/frob-warranty/answered?")
    driver.get(answered)
    buttons = driver.find_elements(By.XPATH, "//button[normalize-space()='This answered my question']")
    step("the answered link shows a button", len(buttons) == 1, "%d buttons" % len(buttons))
    if buttons:
        click_and_wait(buttons[0])
        h1 = driver.find_element(By.TAG_NAME, "h1").text
        step("pressing it thanks the customer", h1 == "Thank you", h1)
        step("and says the ticket is resolved", "is now resolved" in driver.find_element(By.TAG_NAME, "main").text)
finally:
    driver.quit()
sys.exit(1 if failed else 0)
