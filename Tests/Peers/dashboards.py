"""A real browser on Gantry's dashboard pages, for DashboardBrowserTests: Debian's Chromium, headless, driven
by the third-party selenium through the system chromedriver.

Usage: dashboards.py SPEC.json. The spec:
  {"server": "http://127.0.0.1:PORT", "token": "...", "screenshots": "/dir",
   "steps": [{"name": "group", "open": "/dashboards?window=day&at=2026-12-05"},
             {"name": "company", "click": "ACME"}, ...,
             {"name": "signout", "signOut": true}]}
It signs in with the token through the sign-in form (as a person would: typing it and pressing the button),
then takes each step: `open` a path, or `click` the link of that text in the page's table of the level below
(the drill-down). After each step it saves a screenshot `NAME.png` and reads what the page shows. It prints one
JSON document: {"signIn": {...}, "steps": [{"name", "url", "title", "status", "figures": {formula: text},
"reasons": [[reason, hours, stops]], "intervals": [[machine, from, to, duration, reason]], "children": [[name,
oee, a, e, qr]], "problem": text}]}.
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000", "--lang=en-US"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def texts(driver, selector):
    return [element.text.strip() for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def rows(driver, table):
    found = []
    for row in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr"):
        found.append([cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "th, td")])
    return found


def read(driver, name):
    figures = {}
    for tile in driver.find_elements(By.CSS_SELECTOR, "ul.tiles li.tile"):
        figure = tile.find_element(By.CSS_SELECTOR, "[data-figure]")
        figures.setdefault(figure.get_attribute("data-figure"), figure.text.strip())
    problem = driver.find_elements(By.ID, "problem")
    return {
        "name": name,
        "url": driver.current_url,
        "title": driver.title,
        "lang": driver.find_element(By.TAG_NAME, "html").get_attribute("lang"),
        "status": int(problem[0].get_attribute("data-status")) if problem else 200,
        "problem": problem[0].text.strip() if problem else None,
        "heading": (texts(driver, "h1") or [""])[0],
        "figures": figures,
        "reasons": rows(driver, "reasons"),
        "intervals": rows(driver, "intervals"),
        "children": rows(driver, "children"),
        "charts": len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    server, shots = spec["server"], spec["screenshots"]
    os.makedirs(shots, exist_ok=True)
    driver = browser()
    result = {"steps": []}
    try:
        driver.get(server + "/dashboards")
        # No session: the page sends the browser to the sign-in form, which brings it back after sign-in.
        result["redirectedTo"] = driver.current_url
        field = driver.find_element(By.CSS_SELECTOR, "label[for=token]")
        result["signInLabel"] = field.text.strip()
        driver.find_element(By.ID, "token").send_keys(spec["token"])
        driver.save_screenshot(os.path.join(shots, spec.get("prefix", "") + "sign-in.png"))
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        result["signIn"] = {"url": driver.current_url, "error": texts(driver, "#sign-in-error")}
        for step in spec["steps"]:
            if "open" in step:
                driver.get(server + step["open"])
            elif "click" in step:
                driver.find_element(By.XPATH, f"//table[@id='children']//a[normalize-space()='{step['click']}']").click()
            elif step.get("signOut"):
                driver.find_element(By.CSS_SELECTOR, "header form button[type=submit]").click()
            driver.save_screenshot(os.path.join(shots, spec.get("prefix", "") + step["name"] + ".png"))
            result["steps"].append(read(driver, step["name"]))
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
