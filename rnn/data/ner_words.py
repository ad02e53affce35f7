"""Word lists and sentence templates for the built-in NER data set (see ``ner.py``).

Slots in templates: {PER} a person's name (tagged 1, except a title such as "Dr."), {LAST} a last
name (tagged 1), {CITY} {COUNTRY} {COMPANY} {BRAND} {PRODUCT} {MONTH} {DAY}: capitalised words
that are NOT names (tagged 0). Tokens are separated by spaces; everything else is tagged 0.
"""

CITIES = """London Berlin Madrid Rome Tokyo Cairo Lagos Nairobi Toronto Chicago Boston Dublin
Vienna Prague Lisbon Oslo Stockholm Helsinki Warsaw Budapest Athens Istanbul Mumbai Delhi Seoul
Lima Bogota Melbourne Auckland Montreal Seattle Hamburg Munich Naples Krakow Zurich Geneva Kyoto
Manila Jakarta Hanoi Accra Dakar Marseille Glasgow""".split()
COUNTRIES = """France Germany Spain Italy Japan Kenya Nigeria Canada Mexico Brazil Argentina Chile
Peru Egypt Morocco India China Vietnam Norway Sweden Finland Poland Hungary Greece Turkey Ireland
Portugal Austria Belgium Denmark Iceland Ghana Senegal Indonesia Thailand Australia""".split()
COMPANIES = ["Acme", "Globex", "Initech", "Nordwind", "Tecnova", "Solaris", "Brightline",
             "Quantix", "Bluepeak", "Orbitel", "Novacorp", "Greenfield", "Redwood", "Pinewave",
             "Ironbridge", "Silverlake", "Kestrel", "Helios", "Vertex", "Zenith", "Acme Corp",
             "Globex Bank", "Bluepeak Labs", "Nordwind Airlines", "Vertex Motors"]
BRANDS = """Nokia Canon Lego Adidas Ikea Sony Philips Bosch Fiat Volvo Toyota Nike Samsung Lenovo
Dyson Braun Casio Olympus Siemens Yamaha""".split()
PRODUCTS = """Walkman Kindle ThinkPad Roomba Corolla Vespa Thermos Frisbee Galaxy Pixel Surface
Mustang Prius Playstation Discman""".split()
MONTHS = """January February March July August September October November December""".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "President", "Senator", "Captain", "Judge",
          "Aunt", "Uncle", "Coach"]

TEMPLATES = [
    "{PER} flew from {CITY} to {CITY} on {DAY} .",
    "{PER} works for {COMPANY} in {CITY} .",
    "Yesterday {PER} met {PER} at the station .",
    "{COMPANY} hired {PER} as a manager in {MONTH} .",
    "The new {PRODUCT} from {BRAND} was reviewed by {PER} .",
    "{PER} bought a {BRAND} {PRODUCT} in {CITY} .",
    "On {DAY} , {PER} visited {COUNTRY} .",
    "In {MONTH} {PER} will speak at a conference in {CITY} .",
    "{PER} and {PER} founded {COMPANY} .",
    "According to {PER} , prices in {COUNTRY} are rising .",
    "{CITY} is the largest city in {COUNTRY} .",
    "{COMPANY} opened an office in {CITY} in {MONTH} .",
    "The {BRAND} {PRODUCT} costs less in {COUNTRY} .",
    "Every {DAY} , {PER} plays chess with {PER} .",
    "{PER} wrote a book about {COUNTRY} .",
    "Thank you , {PER} , for the flowers .",
    "My teacher , {PER} , grew up in {CITY} .",
    "{PER} said that {COMPANY} will close its factory in {CITY} .",
    "Have you met {PER} ?",
    "I had lunch with {PER} on {DAY} .",
    "The letter from {PER} arrived on {DAY} .",
    "{PER} lives near the river in {CITY} .",
    "Send the report to {PER} before {DAY} .",
    "{PER} won the prize for the best {PRODUCT} design .",
    "{BRAND} sold many {PRODUCT} units in {MONTH} .",
    "The meeting with {PER} moved from {DAY} to {DAY} .",
    "{PER} , the mayor of {CITY} , resigned on {DAY} .",
    "We drove through {COUNTRY} and {COUNTRY} in {MONTH} .",
    "{PER} asked {PER} to call {COMPANY} .",
    "Tickets to {CITY} are cheap in {MONTH} .",
    "The {COMPANY} team , led by {PER} , shipped a new {PRODUCT} .",
    "{PER} studied medicine in {CITY} .",
    "Why did {PER} leave {COMPANY} ?",
    "{DAY} is the busiest day at {COMPANY} .",
    "{MONTH} was cold in {CITY} this year .",
    "{PER} called from {CITY} on {DAY} evening .",
    "Please ask {PER} about the {BRAND} order .",
    "{PER} , {PER} and {PER} went hiking in {COUNTRY} .",
    "The {PRODUCT} that {PER} ordered arrived broken .",
    "{COUNTRY} and {COUNTRY} signed a trade deal in {MONTH} .",
    "{PER} thinks {BRAND} makes the best {PRODUCT} .",
    "A spokesperson for {COMPANY} , {PER} , declined to comment .",
    "{PER} moved to {CITY} with her family .",
    "Dear {PER} , your {PRODUCT} is ready .",
    "Last {DAY} {PER} lost a {BRAND} watch in {CITY} .",
    "The flight to {COUNTRY} was delayed , {PER} told reporters .",
]

# What follows an ambiguous word when it is a first name: the deciding words come after it.
NAME_SENSE = [
    "{LAST} signed the contract .", "{LAST} was a great President .",
    "{LAST} was born in {CITY} .", "{LAST} joined {COMPANY} last year .",
    "{LAST} won the election in {COUNTRY} .", "{LAST} wrote to {PER} on {DAY} .",
    "and her brother moved to {CITY} .", "and his sister opened a bakery .",
    "laughed at the joke .", "smiled and waved at us .", "told me a secret on {DAY} .",
    "is my best friend .", "called her mother on {DAY} .", "married {PER} in {MONTH} .",
    ", my neighbour , fixed the fence .", "apologised to the teacher .",
    "sings in a band with {PER} .",
]

# Ambiguous word -> (capitalised mid-sentence in its other sense?, continuations for that sense).
# A "proper" word (a place, a month, a club) is capitalised anywhere, so it may follow a neutral
# lead-in ("I heard that Jordan ..."); a common noun or verb is capitalised only sentence-initially
# or at the start of a quotation, so it only appears there.
AMBIGUOUS = {
    "Teddy": (False, ["bears are on sale .", "bears make lovely gifts .", "bear factories employ many people ."]),
    "April": (True, ["is the fourth month of the year .", "showers are common in {CITY} .", "was unusually warm this year ."]),
    "May": (True, ["is usually warm in {COUNTRY} .", "was rainy last year .", "has thirty-one days ."]),
    "June": (True, ["has thirty days .", "was hot and dry this year .", "weddings are popular in {COUNTRY} ."]),
    "Rose": (False, ["petals covered the floor .", "bushes need plenty of sun .", "gardens attract bees ."]),
    "Jack": (False, ["up the car before changing the tyre .", "rabbits can run very fast .", "cheese melts well ."]),
    "Bill": (False, ["payments are due on {DAY} .", "collectors called twice today ."]),
    "Mark": (False, ["the date in your calendar .", "your answers with a pencil ."]),
    "Grant": (False, ["applications close in {MONTH} .", "money paid for the new library ."]),
    "Hope": (False, ["is a good thing .", "keeps people going in hard times ."]),
    "Will": (False, ["it rain tomorrow ?", "you join us for dinner ?"]),
    "Frank": (False, ["discussions help teams grow .", "feedback is hard to hear ."]),
    "Victoria": (True, ["is the capital of British Columbia .", "has a mild climate .", "Falls is a famous waterfall ."]),
    "Jordan": (True, ["borders Israel .", "has a long desert highway .", "River flows into the Dead Sea ."]),
    "Georgia": (True, ["borders Turkey .", "peaches are famously sweet .", "is known for its wine ."]),
    "Paris": (True, ["is the capital of France .", "hosted the Olympic Games .", "has many old bridges ."]),
    "Florence": (True, ["is famous for its museums .", "Cathedral draws huge crowds ."]),
    "Austin": (True, ["is the capital of Texas .", "hosts a large music festival ."]),
    "Sydney": (True, ["Harbour is busy today .", "Opera House is a famous building .", "is the largest city in Australia ."]),
    "Chelsea": (True, ["won the match on {DAY} .", "beat Arsenal two to one .", "Flower Show opens in {MONTH} ."]),
    "Ruby": (False, ["rings are expensive .", "red is my favourite colour ."]),
    "Amber": (False, ["is fossilised tree resin .", "lights flashed at the crossing ."]),
    "Holly": (False, ["berries are poisonous .", "leaves are sharp and shiny ."]),
    "Ivy": (False, ["covered the old wall .", "grows quickly in the shade ."]),
    "Summer": (False, ["is the warmest season .", "holidays start in {MONTH} ."]),
    "Iris": (False, ["flowers bloom in spring .", "scans are used at airports ."]),
    "Olive": (False, ["oil is good for cooking .", "trees grow slowly ."]),
    "Penny": (False, ["stocks are risky .", "coins are made of copper ."]),
    "Violet": (False, ["is a shade of purple .", "flowers smell sweet ."]),
    "Dawn": (False, ["broke over the hills .", "is the best time for fishing ."]),
    "Autumn": (False, ["leaves turn red and gold .", "is the season of harvest ."]),
    "Crystal": (False, ["glasses break easily .", "chandeliers hang in the hall ."]),
}

# Lead-ins that fit both senses. Quotation lead-ins allow a capital letter for every word (the
# seeds' 'He said, "Teddy bears are on sale!"'); plain lead-ins only suit "proper" words.
QUOTE_LEADS = [('He said , "', '"'), ('She wrote : "', '"'), ('They shouted , "', '"'),
               ('The headline read : "', '"')]
PLAIN_LEADS = ["I heard that", "Everyone knows that", "Last year ,", "Honestly ,", "As you know ,",
               "We were told that"]

MINIMAL_PAIRS = [
    ("Teddy bears are on sale.", "Teddy Roosevelt was a great President."),
    ("Jordan borders Israel.", "Jordan Smith signed the contract."),
    ("Paris is the capital of France.", "Paris is my best friend."),
    ("Will it rain tomorrow?", "Will laughed at the joke."),
    ("Bill payments are due on Friday.", "Bill Gates called on Friday."),
    ("Georgia peaches are famously sweet.", "Georgia Jones is famously sweet."),
    ("Mark the date in your calendar.", "Mark Twain wrote in his diary."),
    ("Sydney Harbour is busy today.", "Sydney Carter is busy today."),
    ("April showers are common in London.", "April Lopez was born in London."),
    ("Hope is a good thing.", "Hope Davis is a good friend."),
    ("Victoria Falls is a famous waterfall.", "Victoria Beckham is a famous singer."),
    ('He said, "Rose petals covered the floor."', 'He said, "Rose laughed at the joke."'),
]
