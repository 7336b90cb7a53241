"""Write the hand-written everyday-functions set: evals/functions_chat.jsonl.

    python evals/build_functions.py

Also writes evals/functions_near.jsonl: the same tool rows, each offered with the two functions of the set most
similar to its own (all-MiniLM-L6-v2 cosine), to measure the choice among near-twins.

Requests for the kind of function a developer declares in an OpenAI request: math and science helpers,
finance formulas, conversions, lookups, bookings. Each row offers its function and two others of the set
(drawn with ``random.Random(row index)``), and lists the acceptable values of every argument (``""``: may be
left out), so ``toolproxy eval`` scores the route and the locally filled arguments (``args_coverage``,
``args_exact``). Written by hand for this project (2026-11-28), nothing taken from a benchmark, in two parts
(``category``):

- ``probe``: the 30 rows written first and used to find and fix the argument filler's misses (a list of
  numbers for an array, an ordinal, a percentage wanted as a decimal, unit letters, a venue's name), so
  they are not a blind measure;
- ``fresh``: 15 rows written after those fixes and scored once, as they came;
- ``fresh2``: 20 rows written after the first two parts had been scored, and scored once;
- ``fresh3``: 20 rows and 10 requests no offered function serves (``expected: []``), written after the fresh2
  fixes and scored once;
- ``fresh4``: 20 rows written after the fresh3 fixes and scored once: follow-ups, a system message, a nested
  object, lists, codes, negative numbers;
- ``fresh5``: 20 rows written after the fresh4 fixes and scored once: lists, ranges, word numbers, sort orders,
  negated flags;
- ``fresh6``: 20 rows written after the fresh5 fixes and scored once: developer and business tools (issues,
  chat channels, orders, files, SQL, deployments, invoices, IP addresses);
- ``fresh7``: 20 rows written after the fresh6 fixes and scored once: a mix of everything above;
- ``fresh8``: 20 rows written after the fresh7 fixes and scored once: parameter names outside the filler's word
  lists (``film_title``, ``origin_address``, ``charity_name`` ...);
- ``fresh9``: 20 conversations written after the fresh8 fixes and scored once: values from earlier turns and
  from a system message;
- ``fresh10``: 20 rows written after the fresh9 fixes and scored once: science, statistics and geometry, phrased the
  many ways people ask;
- ``fresh11``: 20 rows written after the fresh10 fixes and scored once: enum values said in other words,
  optional values, lists;
- ``fresh12``: 20 rows and 10 requests no offered function serves, written after the fresh11 fixes (thirteenth
  session) and scored once: long requests with numbers that fill no parameter, "City, ST" places, optional
  filters, named things (species, teams, compounds, genes).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "functions_chat.jsonl"
OUT_NEAR = Path(__file__).parent / "functions_near.jsonl"


def fn(name: str, description: str, props: dict[str, dict[str, Any]], required: list[str] | None = None
       ) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": props, "required": list(props) if required is None else required}}}


def num(description: str = "") -> dict[str, Any]:
    return {"type": "number", "description": description}


def whole(description: str = "") -> dict[str, Any]:
    return {"type": "integer", "description": description}


def text(description: str = "") -> dict[str, Any]:
    return {"type": "string", "description": description}


def listing(item: str, description: str = "") -> dict[str, Any]:
    return {"type": "array", "items": {"type": item}, "description": description}


UNIT = {"type": "string", "enum": ["C", "F", "K"]}

# (category, function, request, {parameter: acceptable values})
ROWS: list[tuple[str, dict[str, Any], Any, dict[str, list[Any]]]] = [  # the request: a text or a chat
    ("probe", fn("calculate_average", "Calculate the average of a list of numbers",
                 {"numbers": listing("number", "The numbers")}),
     "What's the average of 10, 20, 35 and 47?", {"numbers": [[10, 20, 35, 47]]}),
    ("probe", fn("sum_numbers", "Add up numbers", {"numbers": listing("integer", "List of integers")}),
     "Add 4, 8 and 15 together", {"numbers": [[4, 8, 15]]}),
    ("probe", fn("solve_quadratic", "Solve a quadratic equation ax^2+bx+c=0",
                 {"a": num("Coefficient of x^2"), "b": num("Coefficient of x"), "c": num("Constant term")}),
     "Solve the quadratic equation with a=2, b=-3 and c=1", {"a": [2], "b": [-3], "c": [1]}),
    ("probe", fn("fibonacci", "Compute the nth Fibonacci number", {"n": whole("Position in the sequence")}),
     "What is the 12th Fibonacci number?", {"n": [12]}),
    ("probe", fn("calculate_bmi", "Body mass index", {"weight_kg": num("Weight in kilograms"),
                                                     "height_m": num("Height in meters")}),
     "My weight is 70 kg and I'm 1.75 m tall, what's my BMI?", {"weight_kg": [70], "height_m": [1.75]}),
    ("probe", fn("compound_interest", "Compound interest", {"principal": num("Initial amount"),
                                                           "rate": num("Annual interest rate as a decimal"),
                                                           "years": whole("Number of years")}),
     "How much will $5,000 grow to at 4% annual interest over 10 years?",
     {"principal": [5000], "rate": [0.04], "years": [10]}),
    ("probe", fn("dice_probability", "Probability of rolling a number",
                 {"target": whole("The number to roll"), "sides": whole("Sides of the die"),
                  "rolls": whole("How many rolls")}, ["target"]),
     "What's the chance of rolling a 6 on a six-sided die?", {"target": [6], "sides": [6, ""], "rolls": [1, ""]}),
    ("probe", fn("get_distance", "Distance between two cities",
                 {"origin": text("Start city"), "destination": text("End city"),
                  "unit": {"type": "string", "enum": ["km", "miles"]}}, ["origin", "destination"]),
     "How far is it from Berlin to Munich in miles?",
     {"origin": ["Berlin"], "destination": ["Munich"], "unit": ["miles"]}),
    ("probe", fn("triangle_area", "Area of a triangle", {"base": num(), "height": num(),
                                                         "unit": text("unit of measure")}, ["base", "height"]),
     "Find the area of a triangle with a base of 10 units and a height of 5 units.",
     {"base": [10], "height": [5], "unit": ["units", ""]}),
    ("probe", fn("find_primes", "Prime numbers in a range", {"start": whole("Lower bound"), "end": whole("Upper bound")}),
     "List all prime numbers between 50 and 100", {"start": [50], "end": [100]}),
    ("probe", fn("convert_temperature", "Convert a temperature", {"value": num(), "from_unit": UNIT, "to_unit": UNIT}),
     "Convert 98.6 Fahrenheit to Celsius", {"value": [98.6], "from_unit": ["F"], "to_unit": ["C"]}),
    ("probe", fn("circle_area", "Area of a circle", {"radius": num("Radius of the circle")}),
     "What's the area of a circle whose diameter is 10?", {"radius": [5]}),
    ("probe", fn("gcd", "Greatest common divisor", {"a": whole("First number"), "b": whole("Second number")}),
     "Find the GCD of 48 and 180", {"a": [48], "b": [180]}),
    ("probe", fn("sort_list", "Sort numbers", {"numbers": listing("number"),
                                               "descending": {"type": "boolean",
                                                              "description": "Sort in descending order"}},
                 ["numbers"]),
     "Sort 5, 2, 9, 1 in descending order", {"numbers": [[5, 2, 9, 1]], "descending": [True]}),
    ("probe", fn("get_population", "Population of a country in a year", {"country": text(), "year": whole()}),
     "What was the population of Japan in 1990?", {"country": ["Japan"], "year": [1990]}),
    ("probe", fn("book_table", "Reserve a restaurant table", {"restaurant": text("Restaurant name"),
                                                               "party_size": whole("Number of people"),
                                                               "time": text("Time, HH:MM")}),
     "Book a table for four at Nopa at 7:30pm", {"restaurant": ["Nopa"], "party_size": [4], "time": ["19:30"]}),
    ("probe", fn("stock_history", "Stock prices", {"ticker": text("Ticker symbol"), "days": whole("Number of past days")}),
     "Show me Tesla's (TSLA) prices for the last 30 days", {"ticker": ["TSLA"], "days": [30]}),
    ("probe", fn("hypotenuse", "Hypotenuse of a right triangle", {"x": num("Length of one side"),
                                                                    "y": num("Length of the other side")}),
     "A right triangle has legs of 3 and 4. How long is the hypotenuse?", {"x": [3, 4], "y": [4, 3]}),
    ("probe", fn("final_velocity", "Final velocity of a falling object",
                 {"initial_velocity": num("m/s"), "acceleration": num("m/s^2"), "time": num("seconds")}),
     "An object starts at 0 m/s and accelerates at 9.8 m/s^2 for 5 seconds. What is its final speed?",
     {"initial_velocity": [0], "acceleration": [9.8], "time": [5]}),
    ("probe", fn("permutations", "Number of permutations", {"n": whole("Total items"), "k": whole("Items chosen")}),
     "How many ways can 3 people be chosen and ordered from a group of 10?", {"n": [10], "k": [3]}),
    ("probe", fn("get_weather", "Weather", {"city": text(), "days": whole("forecast days")}, ["city"]),
     "5-day forecast for Seattle please", {"city": ["Seattle"], "days": [5]}),
    ("probe", fn("mortgage_payment", "Monthly mortgage payment",
                 {"loan_amount": num(), "interest_rate": num("annual rate in percent"), "loan_term": whole("years")}),
     "What's the monthly payment on a $300,000 loan at 6.5% for 30 years?",
     {"loan_amount": [300000], "interest_rate": [6.5], "loan_term": [30]}),
    ("probe", fn("matrix_determinant", "Determinant",
                 {"matrix": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}}),
     "Find the determinant of [[1, 2], [3, 4]]", {"matrix": [[[1, 2], [3, 4]]]}),
    ("probe", fn("translate", "Translate text", {"text": text(), "target_language": text()}),
     "Translate 'good morning' into Spanish", {"text": ["good morning"], "target_language": ["Spanish"]}),
    ("probe", fn("send_email", "Send an email", {"to": text(), "subject": text(), "body": text()}),
     "Email alice@example.com with subject 'Lunch' saying see you at noon",
     {"to": ["alice@example.com"], "subject": ["Lunch"], "body": ["see you at noon"]}),
    ("probe", fn("count_words", "Count words in text", {"text": text()}),
     'How many words are in "the quick brown fox"?', {"text": ["the quick brown fox"]}),
    ("probe", fn("is_prime", "Check primality", {"number": whole()}), "Is 97 a prime number?", {"number": [97]}),
    ("probe", fn("percentage", "Percentage of a value", {"part": num(), "whole": num()}),
     "What percentage is 45 of 180?", {"part": [45], "whole": [180]}),
    ("probe", fn("currency_convert", "Convert currency", {"amount": num(), "from_currency": text(),
                                                          "to_currency": text()}),
     "Convert 250 euros to Japanese yen", {"amount": [250], "from_currency": ["EUR"], "to_currency": ["JPY"]}),
    ("probe", fn("lcm", "Least common multiple", {"numbers": listing("integer")}),
     "What's the LCM of 4, 6 and 10?", {"numbers": [[4, 6, 10]]}),
]
LENGTH = {"type": "string", "enum": ["m", "km", "mi", "ft"]}
ROWS += [
    ("fresh", fn("math_factorial", "Calculate the factorial of a number", {"number": whole()}),
     "Calculate the factorial of 7", {"number": [7]}),
    ("fresh", fn("calculate_speed", "Average speed", {"distance": num("Distance in kilometers"),
                                                      "time": num("Time in hours")}),
     "I drove 150 km in 2.5 hours, what was my average speed?", {"distance": [150], "time": [2.5]}),
    ("fresh", fn("calculate_tip", "Tip for a bill", {"bill_amount": num("The bill"),
                                                     "tip_percentage": num("Tip in percent, e.g. 15")}),
     "What's an 18% tip on a $64.50 bill?", {"bill_amount": [64.5], "tip_percentage": [18]}),
    ("fresh", fn("get_local_time", "Current local time in a city", {"city": text()}),
     "What time is it in Tokyo right now?", {"city": ["Tokyo"]}),
    ("fresh", fn("set_timer", "Start a countdown timer", {"minutes": whole("Length of the timer in minutes")}),
     "Set a timer for 25 minutes", {"minutes": [25]}),
    ("fresh", fn("standard_deviation", "Standard deviation of a sample", {"values": listing("number")}),
     "Compute the standard deviation of 2, 4, 4, 4, 5, 5, 7, 9", {"values": [[2, 4, 4, 4, 5, 5, 7, 9]]}),
    ("fresh", fn("convert_length", "Convert a length between units",
                 {"value": num(), "from_unit": LENGTH, "to_unit": LENGTH}),
     "How many feet are in 3 miles?", {"value": [3], "from_unit": ["mi"], "to_unit": ["ft"]}),
    ("fresh", fn("get_movie_showtimes", "Showtimes of a movie in a city", {"movie": text("Movie title"),
                                                                            "city": text()}),
     "When is Dune playing in Austin tonight?", {"movie": ["Dune"], "city": ["Austin"]}),
    ("fresh", fn("search_flights", "Search flights", {"origin": text("Departure city"),
                                                      "destination": text("Arrival city"),
                                                      "date": {"type": "string", "format": "date"}}),
     "Find flights from Boston to Chicago on 2026-12-14",
     {"origin": ["Boston"], "destination": ["Chicago"], "date": ["2026-12-14"]}),
    ("fresh", fn("calculate_power", "Raise a number to a power", {"base": num(), "exponent": num()}),
     "What is 2 to the power of 10?", {"base": [2], "exponent": [10]}),
    ("fresh", fn("simple_interest", "Simple interest", {"principal": num(),
                                                        "rate": num("Annual interest rate in percent"),
                                                        "time": num("Years")}),
     "Simple interest on 1200 dollars at 3.5 percent for 4 years",
     {"principal": [1200], "rate": [3.5], "time": [4]}),
    ("fresh", fn("get_news", "Latest news headlines", {"topic": text(), "limit": whole("Number of articles")}),
     "Give me the top 5 headlines about climate change", {"topic": ["climate change"], "limit": [5]}),
    ("fresh", fn("rectangle_area", "Area of a rectangle", {"length": num(), "width": num()}),
     "A room is 4.5 meters long and 3 meters wide. What's its area?", {"length": [4.5], "width": [3]}),
    ("fresh", fn("order_pizza", "Order pizza",
                 {"size": {"type": "string", "enum": ["small", "medium", "large"]}, "quantity": whole(),
                  "toppings": listing("string")}),
     "Order 2 large pizzas with mushrooms and olives",
     {"size": ["large"], "quantity": [2], "toppings": [["mushrooms", "olives"]]}),
    ("fresh", fn("kinetic_energy", "Kinetic energy of a moving object", {"mass": num("Mass in kg"),
                                                                          "velocity": num("Speed in m/s")}),
     "What is the kinetic energy of a 1200 kg car moving at 20 m/s?", {"mass": [1200], "velocity": [20]}),
]

# written after the first two parts had been scored, and scored once (twelfth session)
ROWS += [
    ("fresh2", fn("get_exchange_rate", "Exchange rate between two currencies",
                  {"base_currency": text("ISO code, e.g. USD"), "target_currency": text("ISO code")}),
     "What's the exchange rate from British pounds to US dollars?", {"base_currency": ["GBP"], "target_currency": ["USD"]}),
    ("fresh2", fn("create_event", "Create a calendar event",
                  {"title": text(), "date": {"type": "string", "format": "date"}, "time": text("HH:MM, 24-hour")}),
     "Add 'Dentist appointment' to my calendar on December 3, 2026 at 9:15 am",
     {"title": ["Dentist appointment"], "date": ["2026-12-03"], "time": ["09:15"]}),
    ("fresh2", fn("search_hotels", "Find hotels",
                  {"city": text(), "max_price": num("Highest nightly price in USD"), "guests": whole("Number of guests"),
                   "pets_allowed": {"type": "boolean", "description": "Only hotels that allow pets"}},
                  ["city"]),
     "Find a hotel in Denver under $150 a night for 2 guests that allows pets",
     {"city": ["Denver"], "max_price": [150], "guests": [2], "pets_allowed": [True]}),
    ("fresh2", fn("calculate_discount", "Price after a discount",
                  {"original_price": num(), "discount_percent": num("Discount in percent")}),
     "A jacket costs $120 and is 25% off. What's the sale price?", {"original_price": [120], "discount_percent": [25]}),
    ("fresh2", fn("get_directions", "Route between two places",
                  {"start": text("Starting address or place"), "end": text("Destination"),
                   "mode": {"type": "string", "enum": ["driving", "walking", "transit", "cycling"]}}),
     "How do I get from Union Station to the Art Institute by bike?",
     {"start": ["Union Station"], "end": ["Art Institute", "the Art Institute"], "mode": ["cycling"]}),
    ("fresh2", fn("volume_of_cylinder", "Volume of a cylinder", {"radius": num(), "height": num()}),
     "What's the volume of a cylinder with radius 3 cm and height 8 cm?", {"radius": [3], "height": [8]}),
    ("fresh2", fn("send_sms", "Send a text message", {"phone_number": text(), "message": text()}),
     "Text +1 415 555 0123 saying I'm on my way", {"phone_number": ["+1 415 555 0123", "+14155550123"],
                                                   "message": ["I'm on my way"]}),
    ("fresh2", fn("get_nutrition", "Nutrition facts for a food",
                  {"food": text("Food item"), "grams": num("Serving size in grams")}),
     "How many calories are in 200 grams of cooked rice?", {"food": ["cooked rice", "rice"], "grams": [200]}),
    ("fresh2", fn("median", "Median of numbers", {"values": listing("number")}),
     "Find the median of 7, 1, 3, 9 and 4", {"values": [[7, 1, 3, 9, 4]]}),
    ("fresh2", fn("loan_payment", "Monthly payment of a loan",
                  {"principal": num("Loan amount"), "annual_rate": num("Annual interest rate as a fraction, e.g. 0.05"),
                   "months": whole("Term in months")}),
     "Monthly payment on a 20000 dollar car loan at 5.5% over 60 months?",
     {"principal": [20000], "annual_rate": [0.055], "months": [60]}),
    ("fresh2", fn("get_air_quality", "Air quality index of a city", {"city": text(), "country": text()}, ["city"]),
     "Is the air quality bad in Delhi, India today?", {"city": ["Delhi"], "country": ["India", ""]}),
    ("fresh2", fn("convert_volume", "Convert a volume", {"amount": num(),
                                                         "from_unit": {"type": "string", "enum": ["l", "ml", "gal", "cup"]},
                                                         "to_unit": {"type": "string", "enum": ["l", "ml", "gal", "cup"]}}),
     "Convert 2 liters to milliliters", {"amount": [2], "from_unit": ["l"], "to_unit": ["ml"]}),
    ("fresh2", fn("play_song", "Play a song", {"song": text("Song title"), "artist": text("Artist name")}, ["song"]),
     "Play Bohemian Rhapsody by Queen", {"song": ["Bohemian Rhapsody"], "artist": ["Queen", ""]}),
    ("fresh2", fn("free_fall_time", "Time for an object to fall from a height",
                  {"height": num("Height in meters"), "gravity": num("Acceleration in m/s^2, default 9.81")},
                  ["height"]),
     "How long does it take a ball to fall 45 meters?", {"height": [45], "gravity": [9.81, ""]}),
    ("fresh2", fn("fetch_url", "Download a web page", {"url": {"type": "string", "format": "uri"}}),
     "Fetch https://example.com/docs/intro.html for me", {"url": ["https://example.com/docs/intro.html"]}),
    ("fresh2", fn("calculate_age", "Age from a birth date", {"birth_date": {"type": "string", "format": "date"}}),
     "How old is someone born on 14 March 1990?", {"birth_date": ["1990-03-14"]}),
    ("fresh2", fn("roll_dice", "Roll dice", {"count": whole("How many dice"), "sides": whole("Sides per die")}),
     "Roll three 20-sided dice", {"count": [3], "sides": [20]}),
    ("fresh2", fn("get_flight_status", "Status of a flight", {"flight_number": text(),
                                                               "date": {"type": "string", "format": "date"}},
                  ["flight_number"]),
     "Is flight UA 917 on time?", {"flight_number": ["UA 917", "UA917"], "date": [""]}),
    ("fresh2", fn("binomial_probability", "Probability of k successes in n trials",
                  {"n": whole("Number of trials"), "k": whole("Number of successes"), "p": num("Success probability")}),
     "What's the probability of exactly 3 successes in 10 trials with success probability 0.4?",
     {"n": [10], "k": [3], "p": [0.4]}),
    ("fresh2", fn("set_thermostat", "Set the thermostat",
                  {"temperature": num(), "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}),
     "Set the heating to 21 degrees Celsius", {"temperature": [21], "unit": ["celsius"]}),
]

DATE = {"type": "string", "format": "date"}
# written after the fresh2 fixes, and scored once (twelfth session)
ROWS += [
    ("fresh3", fn("percentage_of", "A percentage of a value", {"percent": num(), "value": num()}),
     "What's 15% of 240?", {"percent": [15], "value": [240]}),
    ("fresh3", fn("schedule_meeting", "Schedule a meeting",
                  {"attendees": listing("string", "Names of the attendees"), "date": DATE,
                   "start_time": text("HH:MM"), "duration_minutes": whole()}),
     "Schedule a meeting with Sarah and Tom on 2026-12-10 at 14:00 for 45 minutes",
     {"attendees": [["Sarah", "Tom"]], "date": ["2026-12-10"], "start_time": ["14:00"], "duration_minutes": [45]}),
    ("fresh3", fn("find_restaurants", "Find restaurants", {"cuisine": text(), "city": text(),
                                                             "min_rating": num("Lowest star rating")}),
     "Find Italian restaurants in Chicago with at least 4 stars",
     {"cuisine": ["Italian"], "city": ["Chicago"], "min_rating": [4]}),
    ("fresh3", fn("get_current_weather", "Current weather", {"location": text(),
                                                             "unit": {"type": "string",
                                                                      "enum": ["celsius", "fahrenheit"]}},
                  ["location"]),
     "What's the weather in Paris in Fahrenheit?", {"location": ["Paris"], "unit": ["fahrenheit"]}),
    ("fresh3", fn("distance_traveled", "Distance covered at a constant speed",
                  {"speed": num("Speed in km/h"), "time": num("Time in hours")}),
     "Calculate the distance traveled by a car moving at 60 km/h for 3 hours", {"speed": [60], "time": [3]}),
    ("fresh3", fn("is_palindrome", "Check whether a text is a palindrome", {"text": text()}),
     "Check if 'racecar' is a palindrome", {"text": ["racecar"]}),
    ("fresh3", fn("days_between", "Days between two dates", {"start_date": DATE, "end_date": DATE}),
     "How many days are there between 2026-01-15 and 2026-03-01?",
     {"start_date": ["2026-01-15"], "end_date": ["2026-03-01"]}),
    ("fresh3", fn("random_numbers", "Random whole numbers", {"count": whole(), "min": whole(), "max": whole()}),
     "Give me 3 random numbers between 1 and 100", {"count": [3], "min": [1], "max": [100]}),
    ("fresh3", fn("reverse_string", "Reverse a string", {"text": text()}),
     "Reverse the string 'hello world'", {"text": ["hello world"]}),
    ("fresh3", fn("calculate_density", "Density of an object", {"mass": num("Mass in kg"),
                                                                "volume": num("Volume in cubic meters")}),
     "Calculate the density of an object with mass 50 kg and volume 0.02 cubic meters",
     {"mass": [50], "volume": [0.02]}),
    ("fresh3", fn("define_word", "Dictionary definition of a word", {"word": text()}),
     "Look up the definition of 'serendipity'", {"word": ["serendipity"]}),
    ("fresh3", fn("square_root", "Square root of a number", {"number": num()}),
     "What is the square root of 144?", {"number": [144]}),
    ("fresh3", fn("order_book", "Order copies of a book", {"title": text(), "author": text(),
                                                           "quantity": whole()}, ["title", "quantity"]),
     "Order 3 copies of 'Dune' by Frank Herbert", {"title": ["Dune"], "author": ["Frank Herbert", ""],
                                                    "quantity": [3]}),
    ("fresh3", fn("add_todo", "Add a task to the to-do list",
                  {"task": text(), "priority": {"type": "string", "enum": ["low", "medium", "high"]}}),
     "Create a todo 'Buy milk' with high priority", {"task": ["Buy milk"], "priority": ["high"]}),
    ("fresh3", fn("coulomb_force", "Electrostatic force between two charges",
                  {"charge1": num("Coulombs"), "charge2": num("Coulombs"), "distance": num("Meters")}),
     "What is the force between charges of 2e-6 C and 3e-6 C that are 0.05 m apart?",
     {"charge1": [2e-6], "charge2": [3e-6], "distance": [0.05]}),
    ("fresh3", fn("hex_to_rgb", "Convert a hex color code to RGB", {"hex_code": text()}),
     "Convert the hex color #FF5733 to RGB", {"hex_code": ["#FF5733", "FF5733"]}),
    ("fresh3", fn("population_density", "People per square kilometer",
                  {"population": num(), "area": num("Area in square kilometers")}),
     "What's the population density of a city with 2.5 million people over 600 square kilometers?",
     {"population": [2500000], "area": [600]}),
    ("fresh3", fn("split_bill", "Split a bill", {"total": num(), "people": whole(), "tip_percent": num()}),
     "Split a $180 bill among 4 people with a 20% tip", {"total": [180], "people": [4], "tip_percent": [20]}),
    ("fresh3", fn("search_videos", "Search for videos",
                  {"query": text(), "platform": {"type": "string", "enum": ["youtube", "vimeo"]}}),
     "Search YouTube for lo-fi study music videos",
     {"query": ["lo-fi study music", "lo-fi study music videos"], "platform": ["youtube"]}),
    ("fresh3", fn("set_alarm", "Set an alarm",
                  {"time": text("HH:MM"), "repeat": {"type": "string",
                                                     "enum": ["once", "daily", "weekdays", "weekends"]}}),
     "Set an alarm for 6:30 am on weekdays", {"time": ["06:30"], "repeat": ["weekdays"]}),
]
Chat = list[dict[str, str]]


def chat(*turns: str, system: str | None = None) -> Chat:
    """A conversation: user and assistant turns alternating, the user's first (and a system message first)."""
    messages = [{"role": "system", "content": system}] if system else []
    return messages + [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


# written after the fresh3 fixes, and scored once (twelfth session): follow-ups, a system message, nested and
# list parameters, codes, signs
ROWS += [
    ("fresh4", fn("get_current_weather", "Current weather", {"location": text(),
                                                             "unit": {"type": "string",
                                                                      "enum": ["celsius", "fahrenheit"]}},
                  ["location"]),
     chat("What's the weather in Tokyo?", "It's 18°C and sunny in Tokyo.", "And in Osaka?"),
     {"location": ["Osaka"], "unit": ["", "celsius"]}),
    ("fresh4", fn("book_table", "Reserve a restaurant table", {"restaurant": text("Restaurant name"),
                                                               "party_size": whole("Number of people"),
                                                               "time": text("Time, HH:MM")}),
     chat("I want to book a table at Chez Panisse.", "For how many people, and at what time?",
          "Four people, at 7pm"), {"restaurant": ["Chez Panisse"], "party_size": [4], "time": ["19:00"]}),
    ("fresh4", fn("notify", "Send a short message by e-mail", {"to": text("Recipient e-mail"),
                                                               "message": text()}),
     chat("Send my manager (boss@corp.com) a note saying I'll be late",
          system="The user is Dana Lee, dana@example.com."),
     {"to": ["boss@corp.com"], "message": ["I'll be late"]}),
    ("fresh4", fn("search_products", "Search the shop", {
        "query": text(), "filters": {"type": "object", "properties": {"max_price": num(), "brand": text()}}},
        ["query"]),
     "Find running shoes from Nike under $100",
     {"query": ["running shoes"], "filters": [{"max_price": 100, "brand": "Nike"}, ""]}),
    ("fresh4", fn("create_reminder", "Create a reminder", {"text": text("What to be reminded of"),
                                                           "remind_at": {"type": "string", "format": "date-time"}}),
     "Remind me to call mom on 2026-12-24 at 18:00",
     {"text": ["call mom"], "remind_at": ["2026-12-24T18:00:00", "2026-12-24T18:00"]}),
    ("fresh4", fn("share_document", "Share a document", {"emails": listing("string", "Who to invite")}),
     "Share the doc with ann@x.com, bob@y.org and cy@z.net", {"emails": [["ann@x.com", "bob@y.org", "cy@z.net"]]}),
    ("fresh4", fn("buy_movie_tickets", "Buy cinema tickets", {"movie": text(), "tickets": whole(),
                                                              "showtime": text("HH:MM")}),
     "Book 2 tickets for Oppenheimer at 8:15 pm", {"movie": ["Oppenheimer"], "tickets": [2], "showtime": ["20:15"]}),
    ("fresh4", fn("set_freezer_temperature", "Set the freezer", {"celsius": num("Target temperature in °C")}),
     "Set the freezer to -18 degrees", {"celsius": [-18]}),
    ("fresh4", fn("find_flights", "Search flights", {"origin": text(), "destination": text(),
                                                     "direct_only": {"type": "boolean",
                                                                     "description": "Only direct flights"}},
                  ["origin", "destination"]),
     "Only show direct flights from NYC to LA", {"origin": ["NYC"], "destination": ["LA"], "direct_only": [True]}),
    ("fresh4", fn("get_headlines", "Headlines by category",
                  {"category": {"type": "string", "enum": ["business", "sports", "science", "entertainment"]}}),
     "Any science headlines today?", {"category": ["science"]}),
    ("fresh4", fn("translate_text", "Translate text", {"text": text(),
                                                       "target_language": text("ISO 639-1 code, e.g. 'fr'")}),
     "Translate 'thank you' to Japanese", {"text": ["thank you"], "target_language": ["ja"]}),
    ("fresh4", fn("find_stores", "Stores near a ZIP code", {"zip_code": text()}),
     "Find stores near 94103", {"zip_code": ["94103"]}),
    ("fresh4", fn("set_volume", "Set the speaker volume", {"level": whole("0 to 100")}),
     "Turn the volume to 40%", {"level": [40]}),
    ("fresh4", fn("start_timer", "Start a timer", {"seconds": whole()}),
     "Start a 90 second timer", {"seconds": [90]}),
    ("fresh4", fn("http_get", "Fetch a URL", {"url": {"type": "string", "format": "uri"}}),
     "GET https://api.example.com/v1/users?limit=5", {"url": ["https://api.example.com/v1/users?limit=5"]}),
    ("fresh4", fn("send_email", "Send an email", {"to": text(), "subject": text(), "body": text()}),
     "Send an email to jo@ex.com with subject Q3 report and body 'Numbers attached'",
     {"to": ["jo@ex.com"], "subject": ["Q3 report"], "body": ["Numbers attached"]}),
    ("fresh4", fn("divide", "Divide two numbers", {"dividend": num(), "divisor": num()}),
     "Divide 144 by 12", {"dividend": [144], "divisor": [12]}),
    ("fresh4", fn("currency_convert", "Convert currency", {"amount": num(), "from_currency": text(),
                                                           "to_currency": text()}),
     chat("Convert 100 USD to EUR", "100 USD is about 92 EUR.", "Actually, make it GBP"),
     {"amount": [100], "from_currency": ["USD"], "to_currency": ["GBP"]}),
    ("fresh4", fn("login", "Log in", {"username": text(), "password": text()}),
     "Log me in as jsmith with password Tr0ub4dor", {"username": ["jsmith"], "password": ["Tr0ub4dor"]}),
    ("fresh4", fn("get_elevation", "Elevation of a point", {"latitude": num(), "longitude": num()}),
     "What's the elevation at 46.8523, -121.7603?", {"latitude": [46.8523], "longitude": [-121.7603]}),
]
# written after the fresh4 fixes, and scored once (twelfth session): lists, ranges, word numbers, sort orders,
# negated flags
ROWS += [
    ("fresh5", fn("get_weather_many", "Current weather for several cities", {"cities": listing("string")}),
     "What's the weather in Paris, London and Rome?", {"cities": [["Paris", "London", "Rome"]]}),
    ("fresh5", fn("top_headlines", "Top news headlines", {"count": whole("How many headlines")}),
     "Show me the top 10 headlines", {"count": [10]}),
    ("fresh5", fn("book_flight", "Book a flight", {"destination": text(), "cabin": {
        "type": "string", "enum": ["Economy", "Premium Economy", "Business", "First"]}}),
     "Book me a business class flight to Singapore", {"destination": ["Singapore"], "cabin": ["Business"]}),
    ("fresh5", fn("order_items", "Order items", {"item": text(), "quantity": whole()}),
     "Order twenty five bags of coffee beans", {"item": ["bags of coffee beans", "coffee beans"],
                                                "quantity": [25]}),
    ("fresh5", fn("hotel_availability", "Hotel availability", {"city": text(), "check_in": DATE, "check_out": DATE}),
     "Any rooms in Lisbon from March 3 to March 7, 2027?",
     {"city": ["Lisbon"], "check_in": ["2027-03-03"], "check_out": ["2027-03-07"]}),
    ("fresh5", fn("set_quiet_hours", "Do-not-disturb window", {"start": text("HH:MM"), "end": text("HH:MM")}),
     "Turn on do not disturb between 10pm and 7am", {"start": ["22:00"], "end": ["07:00"]}),
    ("fresh5", fn("buy_eggs", "Buy eggs", {"count": whole("Number of eggs")}),
     "Buy a dozen eggs", {"count": [12]}),
    ("fresh5", fn("convert_speed", "Convert a speed",
                  {"value": num(), "from_unit": {"type": "string", "enum": ["km/h", "mph", "m/s"]},
                   "to_unit": {"type": "string", "enum": ["km/h", "mph", "m/s"]}}),
     "Convert 100 km/h to mph", {"value": [100], "from_unit": ["km/h"], "to_unit": ["mph"]}),
    ("fresh5", fn("find_apartments", "Apartments for rent", {"city": text(), "bedrooms": whole(),
                                                             "max_rent": num("Monthly rent in USD")}),
     "3 bedroom apartments in Austin under $2,000 a month",
     {"city": ["Austin"], "bedrooms": [3], "max_rent": [2000]}),
    ("fresh5", fn("search_laptops", "Search laptops",
                  {"query": text(), "sort": {"type": "string", "enum": ["price_asc", "price_desc", "rating"]}}),
     "Show me gaming laptops, cheapest first", {"query": ["gaming laptops"], "sort": ["price_asc"]}),
    ("fresh5", fn("remind_in", "Reminder after a delay", {"minutes": whole(), "text": text("What to remind")}),
     "Remind me in 20 minutes to check the oven", {"minutes": [20], "text": ["check the oven"]}),
    ("fresh5", fn("call_contact", "Place a phone call", {"phone": text()}),
     "Call (415) 555-0199", {"phone": ["(415) 555-0199", "4155550199", "415-555-0199"]}),
    ("fresh5", fn("search_posts", "Search social posts by hashtag", {"hashtag": text()}),
     "Find posts tagged #travel", {"hashtag": ["#travel", "travel"]}),
    ("fresh5", fn("stock_quotes", "Quotes for several tickers", {"tickers": listing("string")}),
     "Get quotes for AAPL, MSFT and GOOG", {"tickers": [["AAPL", "MSFT", "GOOG"]]}),
    ("fresh5", fn("raise_salary", "Raise an employee's salary", {"employee_id": text(),
                                                                 "percent": num("Raise in percent")}),
     "Raise employee E-1042's salary by 3.5 percent", {"employee_id": ["E-1042"], "percent": [3.5]}),
    ("fresh5", fn("schedule_post", "Schedule a social post", {"text": text(),
                                                              "publish_at": {"type": "string", "format": "date-time"}}),
     "Schedule 'We are hiring!' for 2026-12-01T10:00", {"text": ["We are hiring!"],
                                                         "publish_at": ["2026-12-01T10:00:00", "2026-12-01T10:00"]}),
    ("fresh5", fn("generate_report", "Generate a report", {"topic": text(), "include_images": {
        "type": "boolean", "description": "Add images to the report"}}, ["topic"]),
     "Generate a report on solar energy, and don't include images",
     {"topic": ["solar energy"], "include_images": [False]}),
    ("fresh5", fn("next_games", "Upcoming games of a team", {"team": text(), "count": whole()}),
     "What are the next 5 games for the Boston Celtics?", {"team": ["Boston Celtics"], "count": [5]}),
    ("fresh5", fn("transfer_money", "Transfer money", {"amount": num(), "currency": text("ISO code"),
                                                       "recipient": text()}),
     "Send €1.2k to Maria", {"amount": [1200], "currency": ["EUR"], "recipient": ["Maria"]}),
    ("fresh5", fn("weather_history", "Past weather", {"city": text(), "days": whole("How many past days")}),
     "What was the weather in Berlin over the last 3 days?", {"city": ["Berlin"], "days": [3]}),
]
# written after the fresh5 fixes, and scored once (twelfth session): developer and business tools
ROWS += [
    ("fresh6", fn("create_github_issue", "Open an issue in a GitHub repository",
                  {"repo": text("owner/name"), "title": text(), "labels": listing("string")}, ["repo", "title"]),
     "Open an issue in acme/webapp titled 'Login button broken on Safari' with the label bug",
     {"repo": ["acme/webapp"], "title": ["Login button broken on Safari"], "labels": [["bug"], ""]}),
    ("fresh6", fn("post_slack_message", "Post to a Slack channel", {"channel": text(), "text": text()}),
     "Post 'Deploy finished' in #releases", {"channel": ["#releases", "releases"], "text": ["Deploy finished"]}),
    ("fresh6", fn("get_order_status", "Status of an order", {"order_id": text()}),
     "Where is my order 112-7788-3345?", {"order_id": ["112-7788-3345"]}),
    ("fresh6", fn("refund_order", "Refund an order", {"order_id": text(), "amount": num(), "reason": text()},
                  ["order_id"]),
     "Refund $25 on order A-5521 because the item arrived damaged",
     {"order_id": ["A-5521"], "amount": [25], "reason": ["the item arrived damaged", "item arrived damaged", ""]}),
    ("fresh6", fn("read_file", "Read a file", {"path": text("File path")}),
     "Show me the contents of /etc/nginx/nginx.conf", {"path": ["/etc/nginx/nginx.conf"]}),
    ("fresh6", fn("run_sql", "Run a read-only SQL query", {"query": text("SQL")}),
     "Run SELECT count(*) FROM users WHERE active = true",
     {"query": ["SELECT count(*) FROM users WHERE active = true"]}),
    ("fresh6", fn("create_contact", "Add a CRM contact", {"name": text(), "email": {"type": "string", "format": "email"},
                                                          "company": text()}, ["name", "email"]),
     "Add Priya Nair from Globex, priya.nair@globex.com, to my contacts",
     {"name": ["Priya Nair"], "email": ["priya.nair@globex.com"], "company": ["Globex", ""]}),
    ("fresh6", fn("get_user", "Look up a user", {"user_id": whole()}),
     "Fetch user 48213", {"user_id": [48213]}),
    ("fresh6", fn("scale_deployment", "Scale a Kubernetes deployment", {"deployment": text(), "replicas": whole(),
                                                                         "namespace": text()}, ["deployment", "replicas"]),
     "Scale the api-server deployment to 6 replicas in the prod namespace",
     {"deployment": ["api-server"], "replicas": [6], "namespace": ["prod", ""]}),
    ("fresh6", fn("add_calendar_event", "Add a calendar event", {"title": text(), "start": {"type": "string",
                                                                                            "format": "date-time"},
                                                                  "duration_minutes": whole()}),
     "Put 'Team sync' on my calendar for 2026-12-02 at 15:30 for half an hour",
     {"title": ["Team sync"], "start": ["2026-12-02T15:30:00", "2026-12-02T15:30"], "duration_minutes": [30]}),
    ("fresh6", fn("set_price", "Set a product's price", {"sku": text(), "price": num()}),
     "Change the price of SKU TS-RED-M to 19.99", {"sku": ["TS-RED-M"], "price": [19.99]}),
    ("fresh6", fn("send_invoice", "Send an invoice", {"customer_email": {"type": "string", "format": "email"},
                                                      "amount": num(), "due_date": DATE}),
     "Invoice billing@initech.com for $4,500 due on January 15, 2027",
     {"customer_email": ["billing@initech.com"], "amount": [4500], "due_date": ["2027-01-15"]}),
    ("fresh6", fn("lookup_ip", "Geolocate an IP address", {"ip": text()}),
     "Where is 203.0.113.42 located?", {"ip": ["203.0.113.42"]}),
    ("fresh6", fn("create_branch", "Create a git branch", {"name": text(), "from_branch": text()}),
     "Create a branch called feature/login-fix from main",
     {"name": ["feature/login-fix"], "from_branch": ["main"]}),
    ("fresh6", fn("assign_ticket", "Assign a support ticket", {"ticket_id": text(), "assignee": text()}),
     "Assign ticket #4821 to Carlos", {"ticket_id": ["4821", "#4821"], "assignee": ["Carlos"]}),
    ("fresh6", fn("get_metrics", "Service metrics", {"service": text(), "metric": {
        "type": "string", "enum": ["latency", "error_rate", "throughput"]}, "window_hours": whole()}),
     "What's the error rate of the checkout service over the last 24 hours?",
     {"service": ["checkout", "checkout service"], "metric": ["error_rate"], "window_hours": [24]}),
    ("fresh6", fn("translate_document", "Translate a document", {"document_id": text(), "target_language": text()}),
     "Translate document DOC-7781 into Portuguese", {"document_id": ["DOC-7781"], "target_language": ["Portuguese"]}),
    ("fresh6", fn("create_discount_code", "Create a discount code", {"code": text(), "percent_off": num(),
                                                                     "expires": DATE}),
     "Create discount code WINTER20 for 20% off, expiring 2027-02-28",
     {"code": ["WINTER20"], "percent_off": [20], "expires": ["2027-02-28"]}),
    ("fresh6", fn("pause_subscription", "Pause a subscription", {"subscription_id": text(), "months": whole()}),
     "Pause subscription sub_8KJ2 for two months", {"subscription_id": ["sub_8KJ2"], "months": [2]}),
    ("fresh6", fn("block_ip", "Block an IP address", {"ip": text(), "hours": whole("How long to block")}),
     "Block 198.51.100.7 for 48 hours", {"ip": ["198.51.100.7"], "hours": [48]}),
]
# written after the fresh6 fixes, and scored once (twelfth session): a mix of everything above
ROWS += [
    ("fresh7", fn("get_stock_price", "Latest stock price", {"ticker": text("Ticker symbol")}),
     "How is Nvidia (NVDA) trading right now?", {"ticker": ["NVDA"]}),
    ("fresh7", fn("create_playlist", "Create a playlist", {"name": text(), "songs": listing("string")}, ["name"]),
     "Make a playlist called Road Trip with 'Africa' and 'Dreams'",
     {"name": ["Road Trip"], "songs": [["Africa", "Dreams"], ""]}),
    ("fresh7", fn("calculate_gpa", "Grade point average", {"grades": listing("number")}),
     "My grades are 3.7, 3.3, 4.0 and 2.9. What's my GPA?", {"grades": [[3.7, 3.3, 4.0, 2.9]]}),
    ("fresh7", fn("book_taxi", "Book a taxi", {"pickup": text("Pickup address"), "dropoff": text("Drop-off address"),
                                               "passengers": whole()}),
     "Get me a cab from 221B Baker Street to Paddington Station for 2 people",
     {"pickup": ["221B Baker Street"], "dropoff": ["Paddington Station"], "passengers": [2]}),
    ("fresh7", fn("water_intake", "Daily water intake", {"weight_kg": num(), "activity_level": {
        "type": "string", "enum": ["low", "moderate", "high"]}}),
     "How much water should I drink if I weigh 82 kg and exercise a lot?",
     {"weight_kg": [82], "activity_level": ["high"]}),
    ("fresh7", fn("get_exchange_rate", "Exchange rate between two currencies",
                  {"base_currency": text("ISO code, e.g. USD"), "target_currency": text("ISO code")}),
     chat("How many yen is a dollar?", "About 150 yen to the dollar.", "And how many euros?"),
     {"base_currency": ["USD"], "target_currency": ["EUR"]}),
    ("fresh7", fn("rate_movie", "Rate a movie", {"title": text(), "stars": whole("1 to 5")}),
     "Give Inception 5 stars", {"title": ["Inception"], "stars": [5]}),
    ("fresh7", fn("compare_prices", "Compare prices of a product across stores", {"product": text(),
                                                                                   "stores": listing("string")}),
     "Compare the price of AirPods Pro at Amazon, Best Buy and Walmart",
     {"product": ["AirPods Pro"], "stores": [["Amazon", "Best Buy", "Walmart"]]}),
    ("fresh7", fn("log_workout", "Log a workout", {"activity": text(), "duration_minutes": whole(),
                                                   "calories": whole()}, ["activity", "duration_minutes"]),
     "Log a 45 minute run, I burned about 500 calories",
     {"activity": ["run", "running"], "duration_minutes": [45], "calories": [500, ""]}),
    ("fresh7", fn("find_parking", "Find parking near a place", {"near": text(), "max_price_per_hour": num()},
                  ["near"]),
     "Find parking near Madison Square Garden for under $10 an hour",
     {"near": ["Madison Square Garden"], "max_price_per_hour": [10]}),
    ("fresh7", fn("area_of_circle", "Area of a circle", {"radius": num(), "units": text()}, ["radius"]),
     "Area of a circle with a radius of 7.5 inches", {"radius": [7.5], "units": ["inches", ""]}),
    ("fresh7", fn("create_user", "Create a user account", {"username": text(), "email": {"type": "string",
                                                                                          "format": "email"},
                                                           "is_admin": {"type": "boolean"}}, ["username", "email"]),
     "Create an admin account for mlopez with the email m.lopez@corp.io",
     {"username": ["mlopez"], "email": ["m.lopez@corp.io"], "is_admin": [True]}),
    ("fresh7", fn("get_tide_times", "Tide times for a harbour", {"location": text(), "date": DATE}),
     "When is high tide in Brighton on 2026-12-05?", {"location": ["Brighton"], "date": ["2026-12-05"]}),
    ("fresh7", fn("estimate_shipping", "Shipping cost", {"weight_lb": num("Weight in pounds"),
                                                         "destination_zip": text()}),
     "How much to ship a 3.5 lb box to 10001?", {"weight_lb": [3.5], "destination_zip": ["10001"]}),
    ("fresh7", fn("word_count", "Count the words of a text", {"text": text()}),
     chat("Here's my intro: 'Hello everyone, welcome to the show.' How many words is that?"),
     {"text": ["Hello everyone, welcome to the show."]}),
    ("fresh7", fn("set_language", "Set the interface language", {"language": {
        "type": "string", "enum": ["en", "fr", "de", "es", "it"]}}),
     "Switch the interface to German", {"language": ["de"]}),
    ("fresh7", fn("get_country_info", "Facts about a country", {"country": text()}),
     "Tell me the population and capital of New Zealand", {"country": ["New Zealand"]}),
    ("fresh7", fn("schedule_call", "Schedule a phone call", {"contact": text(), "time": text("HH:MM")}),
     "Schedule a call with Dr. Chen at 4:45pm", {"contact": ["Dr. Chen"], "time": ["16:45"]}),
    ("fresh7", fn("mortgage_affordability", "How much house one can afford",
                  {"annual_income": num(), "monthly_debts": num(), "down_payment": num()}),
     "I make $95k a year, pay $600 a month in debts and have $40,000 saved for a down payment. What can I afford?",
     {"annual_income": [95000], "monthly_debts": [600], "down_payment": [40000]}),
    ("fresh7", fn("add_expense", "Record an expense", {"amount": num(), "category": {
        "type": "string", "enum": ["food", "transport", "rent", "entertainment", "other"]}, "note": text()},
                  ["amount", "category"]),
     "I spent 23.50 on an Uber to the airport", {"amount": [23.5], "category": ["transport"],
                                                  "note": ["Uber to the airport", ""]}),
]
# written after the fresh7 fixes, and scored once (twelfth session): parameter names outside the filler's word lists
ROWS += [
    ("fresh8", fn("get_showtimes", "Cinema showtimes", {"film_title": text(), "theater_city": text()}),
     "Showtimes for Dune Part Two in Denver", {"film_title": ["Dune Part Two"], "theater_city": ["Denver"]}),
    ("fresh8", fn("ride_request", "Request a ride", {"origin_address": text(), "destination_address": text(),
                                                     "riders": whole()}),
     "Request a ride from 500 Market St to SFO for 3 riders",
     {"origin_address": ["500 Market St"], "destination_address": ["SFO"], "riders": [3]}),
    ("fresh8", fn("register_pet", "Register a pet", {"pet_name": text(), "species": {
        "type": "string", "enum": ["dog", "cat", "bird"]}, "age_years": whole()}),
     "Register my cat Luna, she's 4", {"pet_name": ["Luna"], "species": ["cat"], "age_years": [4]}),
    ("fresh8", fn("send_gift", "Send a gift card", {"recipient_email": text(), "gift_card_value": num(),
                                                    "message": text()}),
     "Send a $50 gift card to sam@example.com with the note 'Happy birthday!'",
     {"recipient_email": ["sam@example.com"], "gift_card_value": [50], "message": ["Happy birthday!"]}),
    ("fresh8", fn("reserve_court", "Reserve a sports court", {"sport": {
        "type": "string", "enum": ["tennis", "squash", "badminton"]}, "slot_start": text("HH:MM"), "players": whole()}),
     "Reserve a squash court at 6pm for 2 players", {"sport": ["squash"], "slot_start": ["18:00"], "players": [2]}),
    ("fresh8", fn("lookup_synonyms", "Synonyms of a word", {"term": text()}),
     "Give me synonyms for 'happy'", {"term": ["happy"]}),
    ("fresh8", fn("track_package", "Track a parcel", {"carrier": {
        "type": "string", "enum": ["ups", "fedex", "usps", "dhl"]}, "tracking_number": text()}),
     "Track my FedEx package 7489 2231 0098",
     {"carrier": ["fedex"], "tracking_number": ["7489 2231 0098", "748922310098"]}),
    ("fresh8", fn("find_recipe", "Find a recipe", {"main_ingredient": text(), "max_minutes": whole(), "diet": {
        "type": "string", "enum": ["none", "vegetarian", "vegan", "gluten_free"]}}),
     "A vegan recipe with chickpeas that takes under 30 minutes",
     {"main_ingredient": ["chickpeas"], "max_minutes": [30], "diet": ["vegan"]}),
    ("fresh8", fn("plan_route", "Plan a road trip route", {"stops": listing("string")}),
     "Plan a route through Denver, Salt Lake City and Boise", {"stops": [["Denver", "Salt Lake City", "Boise"]]}),
    ("fresh8", fn("convert_time_zone", "Convert a time between time zones", {"time": text("HH:MM"), "from_tz": text(),
                                                                              "to_tz": text()}),
     "What's 3pm New York time in Tokyo?",
     {"time": ["15:00"], "from_tz": ["New York", "America/New_York"], "to_tz": ["Tokyo", "Asia/Tokyo"]}),
    ("fresh8", fn("update_profile", "Update the user profile", {"display_name": text(), "bio": text()},
                  ["display_name"]),
     "Change my display name to Captain Oats", {"display_name": ["Captain Oats"], "bio": [""]}),
    ("fresh8", fn("set_budget", "Set a monthly budget", {"category": text(), "monthly_limit": num()}),
     "Set my groceries budget to 400 a month", {"category": ["groceries"], "monthly_limit": [400]}),
    ("fresh8", fn("book_appointment", "Book an appointment", {"provider_name": text(), "date": DATE, "reason": text()}),
     "Book an appointment with Dr. Alvarez on 2026-12-09 for a checkup",
     {"provider_name": ["Dr. Alvarez"], "date": ["2026-12-09"], "reason": ["a checkup", "checkup"]}),
    ("fresh8", fn("get_lyrics", "Song lyrics", {"song_title": text(), "artist_name": text()}),
     "Lyrics of Yesterday by the Beatles", {"song_title": ["Yesterday"], "artist_name": ["the Beatles", "Beatles"]}),
    ("fresh8", fn("compute_bmr", "Basal metabolic rate", {"weight_kg": num(), "height_cm": num(), "age": whole(),
                                                          "sex": {"type": "string", "enum": ["male", "female"]}}),
     "BMR for a 30 year old woman, 165 cm, 60 kg",
     {"weight_kg": [60], "height_cm": [165], "age": [30], "sex": ["female"]}),
    ("fresh8", fn("rename_file", "Rename a file", {"old_path": text(), "new_path": text()}),
     "Rename report.txt to report-final.txt", {"old_path": ["report.txt"], "new_path": ["report-final.txt"]}),
    ("fresh8", fn("set_out_of_office", "Out-of-office reply", {"start_date": DATE, "end_date": DATE, "message": text()}),
     "Set my out-of-office from 2026-12-20 to 2027-01-02 saying I'm on holiday",
     {"start_date": ["2026-12-20"], "end_date": ["2027-01-02"], "message": ["I'm on holiday"]}),
    ("fresh8", fn("get_air_fare", "Air fares between airports", {"origin_code": text(), "dest_code": text()}),
     "Fares from JFK to LHR", {"origin_code": ["JFK"], "dest_code": ["LHR"]}),
    ("fresh8", fn("donate", "Donate to a charity", {"charity_name": text(), "amount_usd": num()}),
     "Donate 25 dollars to the Red Cross", {"charity_name": ["Red Cross", "the Red Cross"], "amount_usd": [25]}),
    ("fresh8", fn("upload_photo", "Upload a photo to an album", {"album_title": text(), "file_name": text()}),
     "Upload beach.jpg to the album Summer 2026", {"album_title": ["Summer 2026"], "file_name": ["beach.jpg"]}),
]
# written after the fresh8 fixes, and scored once (twelfth session): conversations, values from earlier turns
ROWS += [
    ("fresh9", fn("book_hotel", "Book a hotel room", {"city": text(), "check_in": DATE, "nights": whole()}),
     chat("I'm going to Vienna next month.", "Nice! Do you need a hotel?",
          "Yes, from 2026-12-18 for 3 nights."),
     {"city": ["Vienna"], "check_in": ["2026-12-18"], "nights": [3]}),
    ("fresh9", fn("send_email", "Send an email", {"to": text(), "subject": text(), "body": text()}),
     chat("Draft a note to kim@studio.io about the launch.", "Sure. What should the subject be?",
          "Launch moved to Friday", ),
     {"to": ["kim@studio.io"], "subject": ["Launch moved to Friday"], "body": [""]}),
    ("fresh9", fn("get_current_weather", "Current weather", {"location": text(),
                                                             "unit": {"type": "string",
                                                                      "enum": ["celsius", "fahrenheit"]}},
                  ["location"]),
     chat("What's it like outside?", system="The user lives in Reykjavik and prefers celsius."),
     {"location": ["Reykjavik"], "unit": ["celsius", ""]}),
    ("fresh9", fn("convert_currency", "Convert money between currencies",
                  {"amount": num(), "from_currency": text(), "to_currency": text()}),
     chat("I have 300 Swiss francs.", "Okay, what would you like to do with them?",
          "How much is that in dollars?"),
     {"amount": [300], "from_currency": ["CHF"], "to_currency": ["USD"]}),
    ("fresh9", fn("set_reminder", "Set a reminder", {"text": text("What to remind"), "time": text("HH:MM")}),
     chat("Remind me to take my medicine", "Sure, at what time?", "8:30 in the evening"),
     {"text": ["take my medicine"], "time": ["20:30"]}),
    ("fresh9", fn("order_pizza", "Order pizza", {"size": {"type": "string", "enum": ["small", "medium", "large"]},
                                                 "toppings": listing("string"), "quantity": whole()}),
     chat("I want to order pizza", "What size and toppings?", "Two mediums with pepperoni and mushrooms"),
     {"size": ["medium"], "toppings": [["pepperoni", "mushrooms"]], "quantity": [2]}),
    ("fresh9", fn("get_stock_price", "Latest stock price", {"ticker": text("Ticker symbol")}),
     chat("How's Microsoft doing today?", "MSFT is up 1.2% at $412.", "And Apple?"),
     {"ticker": ["AAPL"]}),
    ("fresh9", fn("create_task", "Create a task", {"title": text(), "due_date": DATE, "priority": {
        "type": "string", "enum": ["low", "normal", "urgent"]}}),
     chat("Add a task: renew passport", "When is it due?", "By 2027-01-31, and it's urgent"),
     {"title": ["renew passport"], "due_date": ["2027-01-31"], "priority": ["urgent"]}),
    ("fresh9", fn("search_restaurants", "Search restaurants", {"city": text(), "cuisine": text(), "price_level": {
        "type": "string", "enum": ["$", "$$", "$$$"]}}, ["city"]),
     chat("Find me somewhere to eat in Lisbon", "Any cuisine in mind?", "Seafood, nothing too expensive"),
     {"city": ["Lisbon"], "cuisine": ["Seafood", "seafood"], "price_level": ["$", "$$", ""]}),
    ("fresh9", fn("get_directions", "Route between two places", {"start": text(), "end": text(), "mode": {
        "type": "string", "enum": ["driving", "walking", "transit", "cycling"]}}),
     chat("How do I get to the Louvre?", "Where are you starting from?", "Gare du Nord, on foot"),
     {"start": ["Gare du Nord"], "end": ["the Louvre", "Louvre"], "mode": ["walking"]}),
    ("fresh9", fn("translate", "Translate text", {"text": text(), "target_language": text()}),
     chat("Translate 'where is the bathroom' into Italian", "Dov'è il bagno?", "Now into Dutch"),
     {"text": ["where is the bathroom"], "target_language": ["Dutch"]}),
    ("fresh9", fn("calculate_bmi", "Body mass index", {"weight_kg": num("Weight in kilograms"),
                                                      "height_m": num("Height in meters")}),
     chat("I'm 1.82 m tall.", "Got it. What's your weight?", "About 77 kg"),
     {"weight_kg": [77], "height_m": [1.82]}),
    ("fresh9", fn("book_flight", "Book a flight", {"origin": text(), "destination": text(), "date": DATE}),
     chat("I need to fly to Madrid on 2026-12-22", system="The user is based in Chicago."),
     {"origin": ["Chicago"], "destination": ["Madrid"], "date": ["2026-12-22"]}),
    ("fresh9", fn("play_music", "Play music", {"artist": text(), "shuffle": {"type": "boolean"}}, ["artist"]),
     "Play some Fleetwood Mac on shuffle", {"artist": ["Fleetwood Mac"], "shuffle": [True]}),
    ("fresh9", fn("cancel_order", "Cancel an order", {"order_id": text(), "reason": text()}, ["order_id"]),
     chat("I ordered the wrong size.", "Sorry about that! What's the order number?", "It's W-20931"),
     {"order_id": ["W-20931"], "reason": ["", "wrong size", "I ordered the wrong size"]}),
    ("fresh9", fn("get_news", "Latest news headlines", {"topic": text(), "limit": whole("Number of articles")}),
     chat("Anything new about electric cars?", system="Always return 3 articles."),
     {"topic": ["electric cars"], "limit": [3, ""]}),
    ("fresh9", fn("set_thermostat", "Set the thermostat", {"temperature": num(), "unit": {
        "type": "string", "enum": ["celsius", "fahrenheit"]}}),
     chat("It's freezing in here", "Want me to turn the heat up?", "Yes, to 72 please"),
     {"temperature": [72], "unit": ["fahrenheit", ""]}),
    ("fresh9", fn("find_flights", "Search flights", {"origin": text(), "destination": text(),
                                                     "direct_only": {"type": "boolean"}}, ["origin", "destination"]),
     chat("Flights from Austin to Denver?", "I found 12 options. Any preference?", "Nonstop only"),
     {"origin": ["Austin"], "destination": ["Denver"], "direct_only": [True]}),
    ("fresh9", fn("split_bill", "Split a bill", {"total": num(), "people": whole(), "tip_percent": num()}),
     chat("Dinner came to $240", "How many of you?", "Six of us, and add 18% tip"),
     {"total": [240], "people": [6], "tip_percent": [18]}),
    ("fresh9", fn("schedule_meeting", "Schedule a meeting",
                  {"attendees": listing("string", "Names of the attendees"), "date": DATE,
                   "start_time": text("HH:MM"), "duration_minutes": whole()}),
     chat("Set up a meeting with Ana and Raj", "What day and time?", "2026-12-03 at 10am for an hour"),
     {"attendees": [["Ana", "Raj"]], "date": ["2026-12-03"], "start_time": ["10:00"], "duration_minutes": [60]}),
]
# written after the fresh9 fixes, and scored once (twelfth session): science, statistics and geometry, phrased
# the many ways people ask
ROWS += [
    ("fresh10", fn("calculate_standard_deviation", "Standard deviation of numbers", {"data": listing("number")}),
     "I have the values 12, 15, 11 and 18 - what's their standard deviation?", {"data": [[12, 15, 11, 18]]}),
    ("fresh10", fn("projectile_range", "Range of a projectile", {"velocity": num("Initial speed in m/s"),
                                                                 "angle": num("Launch angle in degrees")}),
     "How far does a ball go if thrown at 20 m/s at a 45 degree angle?", {"velocity": [20], "angle": [45]}),
    ("fresh10", fn("ohms_law_current", "Current from voltage and resistance", {"voltage": num("Volts"),
                                                                                "resistance": num("Ohms")}),
     "What current flows through a 220 ohm resistor at 9 volts?", {"voltage": [9], "resistance": [220]}),
    ("fresh10", fn("sphere_volume", "Volume of a sphere", {"radius": num()}),
     "Volume of a ball with radius 4 cm", {"radius": [4]}),
    ("fresh10", fn("combinations", "Number of combinations", {"n": whole("Total items"), "k": whole("Items chosen")}),
     "In how many ways can I choose 2 items out of 8?", {"n": [8], "k": [2]}),
    ("fresh10", fn("half_life_remaining", "Amount left after radioactive decay",
                   {"initial_amount": num(), "half_life": num("Years"), "elapsed": num("Years")}),
     "If I start with 100 grams of an isotope with a half-life of 5 years, how much is left after 15 years?",
     {"initial_amount": [100], "half_life": [5], "elapsed": [15]}),
    ("fresh10", fn("convert_weight", "Convert a weight", {"value": num(), "from_unit": {
        "type": "string", "enum": ["kg", "lb", "g", "oz"]}, "to_unit": {"type": "string", "enum": ["kg", "lb", "g", "oz"]}}),
     "How many pounds is 72 kg?", {"value": [72], "from_unit": ["kg"], "to_unit": ["lb"]}),
    ("fresh10", fn("future_value", "Future value of regular savings", {"monthly_deposit": num(),
                                                                       "annual_rate": num("Percent per year"),
                                                                       "years": whole()}),
     "If I save $200 every month at 5% a year, how much will I have in 20 years?",
     {"monthly_deposit": [200], "annual_rate": [5], "years": [20]}),
    ("fresh10", fn("distance_between_points", "Distance between two points", {"x1": num(), "y1": num(), "x2": num(),
                                                                               "y2": num()}),
     "What's the distance between (1, 2) and (4, 6)?", {"x1": [1], "y1": [2], "x2": [4], "y2": [6]}),
    ("fresh10", fn("celsius_to_kelvin", "Convert Celsius to Kelvin", {"celsius": num()}),
     "What is 25 °C in kelvin?", {"celsius": [25]}),
    ("fresh10", fn("probability_of_event", "Probability from favourable and total outcomes",
                   {"favorable": whole(), "total": whole()}),
     "There are 4 aces in a deck of 52 cards. What's the chance of drawing one?", {"favorable": [4], "total": [52]}),
    ("fresh10", fn("compute_median", "Median of numbers", {"values": listing("number")}),
     "median of [3, 9, 1, 7, 5]", {"values": [[3, 9, 1, 7, 5]]}),
    ("fresh10", fn("cylinder_surface_area", "Surface area of a cylinder", {"radius": num(), "height": num()}),
     "Surface area of a can 10 cm tall with a 3 cm radius", {"radius": [3], "height": [10]}),
    ("fresh10", fn("calories_burned", "Calories burned by an activity", {"activity": text(), "minutes": whole(),
                                                                         "weight_kg": num()}),
     "How many calories does a 70 kg person burn swimming for 40 minutes?",
     {"activity": ["swimming"], "minutes": [40], "weight_kg": [70]}),
    ("fresh10", fn("inflation_adjust", "Adjust an amount for inflation", {"amount": num(), "from_year": whole(),
                                                                          "to_year": whole()}),
     "What is $1,000 from 1990 worth in 2024 money?", {"amount": [1000], "from_year": [1990], "to_year": [2024]}),
    ("fresh10", fn("lcm_two", "Least common multiple of two numbers", {"a": whole(), "b": whole()}),
     "lowest common multiple of 12 and 18", {"a": [12, 18], "b": [18, 12]}),
    ("fresh10", fn("kinetic_energy_calc", "Kinetic energy", {"mass_kg": num(), "speed_mps": num()}),
     "A 2 kg ball is rolling at 3 meters per second. What's its kinetic energy?", {"mass_kg": [2], "speed_mps": [3]}),
    ("fresh10", fn("population_growth", "Population after growth", {"initial_population": whole(),
                                                                      "growth_rate": num("Percent per year"),
                                                                      "years": whole()}),
     "A town of 50,000 grows 2% a year. How big will it be in 10 years?",
     {"initial_population": [50000], "growth_rate": [2], "years": [10]}),
    ("fresh10", fn("triangle_hypotenuse", "Hypotenuse from two legs", {"a": num(), "b": num()}),
     "legs 5 and 12, hypotenuse?", {"a": [5, 12], "b": [12, 5]}),
    ("fresh10", fn("speed_of_sound", "Speed of sound in air at a temperature", {"temperature_c": num()}),
     "How fast does sound travel when it's 30 degrees Celsius?", {"temperature_c": [30]}),
]
# written after the fresh10 fixes, and scored once (twelfth session): enums said in other words, optional values,
# lists and several values
ROWS += [
    ("fresh11", fn("set_wash_cycle", "Start the washing machine", {"cycle": {
        "type": "string", "enum": ["quick", "normal", "heavy_duty", "delicate"]}, "temperature_c": whole()}),
     "Run a delicates wash at 30 degrees", {"cycle": ["delicate"], "temperature_c": [30]}),
    ("fresh11", fn("book_car", "Rent a car", {"city": text(), "car_class": {
        "type": "string", "enum": ["economy", "compact", "suv", "luxury"]}, "days": whole()}),
     "Rent me an SUV in Phoenix for a week", {"city": ["Phoenix"], "car_class": ["suv"], "days": [7]}),
    ("fresh11", fn("order_coffee", "Order a coffee", {"drink": text(), "size": {
        "type": "string", "enum": ["small", "medium", "large"]}, "milk": {
        "type": "string", "enum": ["whole", "skim", "oat", "almond", "none"]}}, ["drink", "size"]),
     "Grande oat latte please", {"drink": ["latte"], "size": ["medium", "large"], "milk": ["oat"]}),
    ("fresh11", fn("set_light", "Control a light", {"room": text(), "on": {"type": "boolean"},
                                                    "brightness": whole("0 to 100")}, ["room", "on"]),
     "Dim the bedroom lights to 30%", {"room": ["bedroom"], "on": [True], "brightness": [30]}),
    ("fresh11", fn("get_forecast", "Weather forecast", {"city": text(), "days": whole()}),
     "Will it rain in Seattle this weekend?", {"city": ["Seattle"], "days": [2, 3, ""]}),
    ("fresh11", fn("compare_stocks", "Compare several stocks", {"tickers": listing("string"),
                                                                "period": {"type": "string",
                                                                           "enum": ["1d", "1w", "1m", "1y"]}}),
     "Compare TSLA and F over the past year", {"tickers": [["TSLA", "F"]], "period": ["1y"]}),
    ("fresh11", fn("invite_guests", "Send invitations", {"emails": listing("string"), "event": text()}),
     "Invite ana@mail.com and li@mail.com to the housewarming",
     {"emails": [["ana@mail.com", "li@mail.com"]], "event": ["housewarming", "the housewarming"]}),
    ("fresh11", fn("set_privacy", "Set an account's privacy", {"visibility": {
        "type": "string", "enum": ["public", "friends", "private"]}}),
     "Make my profile visible only to me", {"visibility": ["private"]}),
    ("fresh11", fn("search_jobs", "Search job listings", {"title": text(), "location": text(),
                                                          "remote": {"type": "boolean"}}, ["title"]),
     "Find remote data engineer jobs", {"title": ["data engineer"], "location": [""], "remote": [True]}),
    ("fresh11", fn("schedule_delivery", "Schedule a delivery window", {"date": DATE, "window": {
        "type": "string", "enum": ["morning", "afternoon", "evening"]}}),
     "Deliver it on 2026-12-11 after lunch", {"date": ["2026-12-11"], "window": ["afternoon"]}),
    ("fresh11", fn("book_spa", "Book a spa treatment", {"treatment": {
        "type": "string", "enum": ["massage", "facial", "manicure", "sauna"]}, "duration_minutes": whole()}),
     "I'd like a 90-minute massage", {"treatment": ["massage"], "duration_minutes": [90]}),
    ("fresh11", fn("set_alarm_volume", "Alarm volume", {"level": {"type": "string",
                                                                 "enum": ["low", "medium", "high"]}}),
     "Make the alarm louder, as loud as it goes", {"level": ["high"]}),
    ("fresh11", fn("get_route_eta", "Travel time by a mode", {"origin": text(), "destination": text(), "mode": {
        "type": "string", "enum": ["car", "bus", "bike", "walk"]}}),
     "How long would it take to cycle from Oakland to Berkeley?",
     {"origin": ["Oakland"], "destination": ["Berkeley"], "mode": ["bike"]}),
    ("fresh11", fn("rate_restaurant", "Rate a restaurant", {"restaurant": text(), "rating": whole("1 to 5"),
                                                            "comment": text()}, ["restaurant", "rating"]),
     "Give Sushi Nakazawa four stars", {"restaurant": ["Sushi Nakazawa"], "rating": [4], "comment": [""]}),
    ("fresh11", fn("set_units", "Measurement system", {"system": {"type": "string", "enum": ["metric", "imperial"]}}),
     "Show distances in miles from now on", {"system": ["imperial"]}),
    ("fresh11", fn("filter_emails", "Filter the inbox", {"sender": text(), "unread_only": {"type": "boolean"},
                                                         "since": DATE}, ["sender"]),
     "Show unread emails from my boss since 2026-11-01",
     {"sender": ["my boss", "boss"], "unread_only": [True], "since": ["2026-11-01"]}),
    ("fresh11", fn("book_train", "Book a train ticket", {"origin": text(), "destination": text(), "class": {
        "type": "string", "enum": ["standard", "first"]}, "passengers": whole()}),
     "Two first class tickets from London to Edinburgh",
     {"origin": ["London"], "destination": ["Edinburgh"], "class": ["first"], "passengers": [2]}),
    ("fresh11", fn("convert_file", "Convert a file format", {"file_name": text(), "target_format": {
        "type": "string", "enum": ["pdf", "docx", "png", "jpg"]}}),
     "Turn notes.docx into a PDF", {"file_name": ["notes.docx"], "target_format": ["pdf"]}),
    ("fresh11", fn("adjust_font", "Adjust the font size", {"size_pt": whole()}),
     "Bump the font up to 14 point", {"size_pt": [14]}),
    ("fresh11", fn("water_plants", "Water the garden", {"zone": {"type": "string",
                                                                 "enum": ["front", "back", "side"]},
                                                        "minutes": whole()}),
     "Water the back yard for a quarter of an hour", {"zone": ["back"], "minutes": [15]}),
]
# written after the fresh11 fixes, and scored once (thirteenth session): long requests with numbers that fill no
# parameter, "City, ST" places, optional filters, named things (species, teams, compounds), values with defaults
ROWS += [
    ("fresh12", fn("restaurant_search", "Find restaurants", {"location": text("City and state, e.g. Austin, TX"),
                                                            "cuisine": text(), "open_late": {"type": "boolean"},
                                                            "max_results": whole()}, ["location"]),
     "I'm in Denver, CO for 3 days. Find me 5 Thai places that stay open late.",
     {"location": ["Denver, CO"], "cuisine": ["Thai"], "open_late": [True], "max_results": [5]}),
    ("fresh12", fn("species_info", "Facts about an animal species", {"species": text("Common name"),
                                                                   "detail": {"type": "string",
                                                                              "enum": ["habitat", "diet",
                                                                                       "lifespan"]}}),
     "What do red pandas eat?", {"species": ["red panda", "red pandas"], "detail": ["diet"]}),
    ("fresh12", fn("team_schedule", "A sports team's upcoming games", {"team": text(), "games": whole(
        "How many upcoming games")}, ["team"]),
     "When do the Boston Celtics play their next 3 games?", {"team": ["Boston Celtics", "Celtics"], "games": [3]}),
    ("fresh12", fn("molar_mass", "Molar mass of a chemical compound", {"formula": text("Chemical formula")}),
     "What's the molar mass of H2SO4?", {"formula": ["H2SO4"]}),
    ("fresh12", fn("tax_estimate", "Estimate income tax", {"income": num("Annual income in USD"),
                                                          "state": text("Two-letter state code"),
                                                          "filing_status": {"type": "string", "enum": [
                                                              "single", "married_joint", "head_of_household"]}}),
     "I'm 34, single, and I make $85,000 a year in CA. Roughly how much tax will I owe?",
     {"income": [85000], "state": ["CA"], "filing_status": ["single"]}),
    ("fresh12", fn("paint_needed", "Litres of paint for a wall", {"width_m": num(), "height_m": num(),
                                                                  "coats": whole()}, ["width_m", "height_m"]),
     "How much paint do I need for a wall 4 m wide and 2.5 m high, two coats?",
     {"width_m": [4], "height_m": [2.5], "coats": [2]}),
    ("fresh12", fn("movie_lookup", "Details of a film", {"title": text(), "year": whole()}, ["title"]),
     "Who directed the 1982 film Blade Runner?", {"title": ["Blade Runner"], "year": [1982]}),
    ("fresh12", fn("loan_eligibility", "Check loan eligibility", {"credit_score": whole(), "annual_income": num(),
                                                                 "loan_amount": num()}),
     "With a credit score of 720 and a salary of 60k, can I get a $250,000 loan?",
     {"credit_score": [720], "annual_income": [60000], "loan_amount": [250000]}),
    ("fresh12", fn("hotel_search", "Search hotels", {"city": text(), "check_in": DATE, "nights": whole(),
                                                    "stars": whole("Minimum star rating")},
                   ["city", "check_in", "nights"]),
     "Any 4-star hotels in Lisbon from 2026-06-03 for 5 nights?",
     {"city": ["Lisbon"], "check_in": ["2026-06-03"], "nights": [5], "stars": [4]}),
    ("fresh12", fn("planet_distance", "Distance between two planets", {"planet_a": text(), "planet_b": text(),
                                                                     "unit": {"type": "string",
                                                                              "enum": ["km", "au", "miles"]}},
                   ["planet_a", "planet_b"]),
     "How far is Mars from Earth in astronomical units?",
     {"planet_a": ["Mars", "Earth"], "planet_b": ["Earth", "Mars"], "unit": ["au"]}),
    ("fresh12", fn("recipe_scale", "Scale a recipe", {"recipe": text(), "servings": whole()}),
     "Scale my banana bread recipe up to 12 servings", {"recipe": ["banana bread", "my banana bread"],
                                                        "servings": [12]}),
    ("fresh12", fn("earthquake_feed", "Recent earthquakes", {"region": text(), "min_magnitude": num(),
                                                            "days": whole("Look-back window in days")}, ["region"]),
     "Show earthquakes above magnitude 5.5 in Japan over the last 30 days",
     {"region": ["Japan"], "min_magnitude": [5.5], "days": [30]}),
    ("fresh12", fn("car_value", "Estimate a used car's value", {"make": text(), "model": text(), "year": whole(),
                                                               "mileage": whole()}),
     "What's my 2017 Honda Civic with 80,000 miles worth?",
     {"make": ["Honda"], "model": ["Civic"], "year": [2017], "mileage": [80000]}),
    ("fresh12", fn("gene_lookup", "Information about a human gene", {"gene_symbol": text()}),
     "Tell me about the BRCA1 gene", {"gene_symbol": ["BRCA1"]}),
    ("fresh12", fn("commute_cost", "Monthly commuting cost", {"distance_km": num("One-way distance"),
                                                             "days_per_week": whole(),
                                                             "fuel_price": num("Price per litre")}),
     "I drive 25 km each way, 4 days a week, and fuel costs 1.80 a litre. What does my commute cost a month?",
     {"distance_km": [25], "days_per_week": [4], "fuel_price": [1.8]}),
    ("fresh12", fn("museum_hours", "Opening hours of a museum", {"museum": text(), "date": DATE}, ["museum"]),
     "Is the Louvre open on 2026-12-25?", {"museum": ["Louvre", "the Louvre"], "date": ["2026-12-25"]}),
    ("fresh12", fn("word_rhymes", "Words that rhyme", {"word": text(), "limit": whole()}, ["word"]),
     "Give me 10 words that rhyme with orange", {"word": ["orange"], "limit": [10]}),
    ("fresh12", fn("sunrise_sunset", "Sunrise and sunset times", {"location": text(), "date": DATE}),
     "When does the sun set in Reykjavik, Iceland on 2026-06-21?",
     {"location": ["Reykjavik, Iceland", "Reykjavik"], "date": ["2026-06-21"]}),
    ("fresh12", fn("flight_price_alert", "Alert when a fare drops", {"origin": text("Airport code"),
                                                                    "destination": text("Airport code"),
                                                                    "max_price": num()}),
     "Tell me when SFO to JFK drops under $300", {"origin": ["SFO"], "destination": ["JFK"], "max_price": [300]}),
    ("fresh12", fn("nutrition_goal", "Daily protein target", {"weight_kg": num(), "activity": {
        "type": "string", "enum": ["sedentary", "moderate", "athlete"]}}),
     "How much protein should I eat? I weigh 82 kg and I lift weights five days a week.",
     {"weight_kg": [82], "activity": ["athlete", "moderate"]}),
]
# requests no offered function serves (expected: no call), with the names of the three offered
NONE_ROWS: list[tuple[str, str, list[str]]] = [
    ("fresh3", "What's the capital of Australia?", ["calculate_average", "get_current_weather", "translate"]),
    ("fresh3", "Explain how compound interest works", ["compound_interest", "simple_interest", "calculate_tip"]),
    ("fresh3", "Write a haiku about autumn", ["count_words", "translate", "send_email"]),
    ("fresh3", "What's the derivative of x^2?", ["solve_quadratic", "gcd", "lcm"]),
    ("fresh3", "Who won the 2018 World Cup?", ["get_population", "get_distance", "get_local_time"]),
    ("fresh3", "What is the formula for the area of a trapezoid?", ["triangle_area", "circle_area", "rectangle_area"]),
    ("fresh3", "Can you recommend a good book about the Roman Empire?", ["order_book", "get_movie_showtimes",
                                                                         "play_song"]),
    ("fresh3", "Thanks, that's all I needed!", ["send_email", "set_timer", "get_current_weather"]),
    ("fresh3", "How do I convert Celsius to Fahrenheit in my head?", ["convert_temperature", "convert_length",
                                                                      "convert_volume"]),
    ("fresh3", "Cancel my hotel reservation in Denver", ["search_hotels", "book_table", "get_directions"]),
    ("fresh12", "What's a good name for a golden retriever puppy?", ["species_info", "register_pet", "find_stores"]),
    ("fresh12", "Why is the sky blue?", ["get_current_weather", "get_air_quality", "sunrise_sunset"]),
    ("fresh12", "Summarize the plot of Hamlet in two sentences", ["movie_lookup", "order_book", "translate"]),
    ("fresh12", "How many calories are in a banana?", ["calories_burned", "water_intake", "recipe_scale"]),
    ("fresh12", "What's the difference between a Roth IRA and a 401k?", ["tax_estimate", "compound_interest",
                                                                         "loan_payment"]),
    ("fresh12", "Delete my last expense entry", ["add_expense", "set_budget", "split_bill"]),
    ("fresh12", "Tell me a joke about programmers", ["create_github_issue", "run_sql", "post_slack_message"]),
    ("fresh12", "Is it safe to eat raw cookie dough?", ["find_recipe", "get_nutrition", "recipe_scale"]),
    ("fresh12", "Which planet has the most moons?", ["planet_distance", "get_elevation", "get_distance"]),
    ("fresh12", "ok cool", ["hotel_search", "restaurant_search", "museum_hours"]),
]


def nearest_functions(functions: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every function's others, most similar first (all-MiniLM-L6-v2 cosine of "name words: description", as
    ``build_unseen.py`` ranks a corpus's tools)."""
    from build_unseen import embed, nearest_tools, tool_text

    names = [f["function"]["name"] for f in functions]
    return nearest_tools(names, embed([tool_text(f["function"]) for f in functions]))


def write_near(functions: list[dict[str, Any]]) -> None:
    """The same requests, each next to the two functions of the set most similar to its own: the choice among
    near-twins (``get_weather`` / ``get_current_weather`` / ``weather_history``) rather than among strangers."""
    named = {f["function"]["name"]: f for f in functions}
    nearest = nearest_functions(functions)
    with OUT_NEAR.open("w", encoding="utf-8") as handle:
        for index, (category, function, request, arguments) in enumerate(ROWS):
            others = [named[n] for n in nearest[function["function"]["name"]][:2]]
            handle.write(_call_row(index, category, function, request, arguments, others))
    print(f"wrote {len(ROWS)} rows to {OUT_NEAR}")


def _call_row(index: int, category: str, function: dict[str, Any], request: Any, arguments: dict[str, list[Any]],
              others: list[dict[str, Any]]) -> str:
    """One JSONL line: the request (a text or a chat) offered ``function`` and ``others`` in a seeded order."""
    tools = [function, *others]
    random.Random(index).shuffle(tools)
    messages = request if isinstance(request, list) else [{"role": "user", "content": request}]
    row = {"messages": messages, "tools": tools, "category": category,
           "expected": [{"name": function["function"]["name"], "arguments": arguments}]}
    return json.dumps(row, ensure_ascii=False) + "\n"


def main() -> None:
    functions = list({f["function"]["name"]: f for _, f, _, _ in ROWS}.values())  # one per name
    with OUT.open("w", encoding="utf-8") as handle:
        for index, (category, function, request, arguments) in enumerate(ROWS):
            others = [f for f in functions if f["function"]["name"] != function["function"]["name"]]
            drawn = random.Random(index).sample(others, 2)
            handle.write(_call_row(index, category, function, request, arguments, drawn))
        named = {f["function"]["name"]: f for f in functions}
        for category, request, offered in NONE_ROWS:
            row = {"messages": [{"role": "user", "content": request}], "tools": [named[n] for n in offered],
                   "category": category, "expected": []}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(ROWS) + len(NONE_ROWS)} rows to {OUT}")
    write_near(functions)


if __name__ == "__main__":
    main()
