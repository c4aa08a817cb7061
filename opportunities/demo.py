"""Demo opportunities: sixteen believable, fictional local demands across the three focus countries.

Every workflow state is represented, and each opportunity reaches its state through the real services
(`opportunity_create`, `opportunity_transition`, `opportunity_expire`) with the demo business developers and
embassy staff as actors, so the history, notifications and timestamps look like real use. Afterwards the
timeline is spread back over the past weeks, so "newest first" and the history read naturally.

Clients, people and budgets are invented; cities are real. Most briefs are in English, two in Dutch. The
themes and disciplines are chosen so that demo companies (companies/demo.py) match some of them. Idempotent:
an opportunity whose title already exists is left alone. Demo notifications are never e-mailed.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from companies.models import Discipline
from labs.demo import DEVELOPERS, EMBASSY_STAFF
from labs.models import BusinessDeveloper, Lab, Theme

from .models import Notification, Opportunity, OpportunityEvent, Status
from .workflow.services import opportunity_create, opportunity_expire, opportunity_transition

Budget = Opportunity.Budget
EUR, USD, CNY = Opportunity.Currency.EUR, Opportunity.Currency.USD, Opportunity.Currency.CNY

ANNA, JONAS, LI, CHEN, MARIA = (email for email, *_rest in DEVELOPERS)
SANNE, PIETER, EMMA = (email for email, *_rest in EMBASSY_STAFF)
# Who reviews for a Lab: the embassy staff member of its country.
REVIEWER = {"berlin": SANNE, "shanghai": PIETER, "shenzhen": PIETER, "new-york": EMMA}

# Keys: title, lab, author (a business developer's e-mail), status, city, client, client_public, themes,
# required, nice (discipline slugs), budget, currency, deadline (days from today; for closed and expired
# ones the deadline that has passed), start (days from today), languages, summary, brief, fee (optional
# override of the Lab's default), fee_note, age (days since it was created), sent_back / note (reasons).
OPPORTUNITIES = [
    # --- Germany: Creative Lab Berlin (trusted: its developers publish directly) ----------------------------
    {
        "title": "Safe cycling to school: a game and street campaign for Friedrichshain-Kreuzberg",
        "lab": "berlin",
        "author": ANNA,
        "status": Status.PUBLISHED,
        "city": "Berlin",
        "client": "Bezirksamt Friedrichshain-Kreuzberg, Fachbereich Straßen und Grünflächen",
        "client_public": True,
        "themes": ["mobility", "safety", "education"],
        "required": ["serious-games", "service-design"],
        "nice": ["graphic-design", "games"],
        "budget": Budget.FROM_25K,
        "currency": EUR,
        "deadline": 11,
        "start": 45,
        "languages": ["de", "en"],
        "summary": "A Berlin district wants children aged 9 to 12 to cycle to school safely and on their own. "
        "It looks for a serious game for the classroom and a playful street campaign around twelve primary schools.",
        "brief": "Fewer than one in five children in Friedrichshain-Kreuzberg cycles to school; parents name busy "
        "junctions and delivery vans as the reason. The district's traffic department is redesigning twelve school "
        "routes in 2026 and wants the children to learn them before the works are finished. It asks for a serious "
        "game that teachers can use in two lessons, and a street campaign that marks the new routes in a way "
        "children recognise. Dutch experience with school-route programmes is the main reason the district "
        "approached the Lab. Material must be in German; the project team works in German and English.",
        "fee_note": "Introduction to the district's project team and support during the first three months.",
        "age": 9,
    },
    {
        "title": "Energiewende im Quartier: a neighbourhood campaign for heat pumps in Leipzig",
        "lab": "berlin",
        "author": ANNA,
        "status": Status.PUBLISHED,
        "city": "Leipzig",
        "client": "Leipziger Quartiersenergie eG",
        "client_public": False,
        "themes": ["energy-transition", "smart-cities"],
        "required": ["advertising", "data-visualisation"],
        "nice": ["content-marketing", "events-experience"],
        "budget": Budget.FROM_100K,
        "currency": EUR,
        "deadline": 34,
        "start": 70,
        "languages": ["de", "en"],
        "summary": "An energy cooperative in Leipzig wants 2,000 households in Gründerzeit blocks to join a shared "
        "heat-pump network. It looks for a campaign that makes the energy transition concrete, street by street.",
        "brief": "The cooperative has the technology and the funding for a district heat network, but sign-ups are "
        "slow: residents doubt the costs and fear months of works. It wants a campaign that shows, per street, what "
        "the switch means for bills, comfort and CO2, using its own metering data. Ideas such as a travelling "
        "information pavilion or live data on building facades are welcome. The campaign runs for a year and is "
        "evaluated on sign-ups. Working language is German; English is fine for the design team.",
        "fee_note": "Introduction, help with the proposal in German and local follow-up.",
        "age": 18,
    },
    {
        "title": "Tentoonstelling over de energietransitie in een voormalige kolenmijn in het Ruhrgebied",
        "lab": "berlin",
        "author": ANNA,
        "status": Status.PUBLISHED,
        "city": "Essen",
        "client": "Stiftung Industriekultur Ruhr-Mitte",
        "client_public": True,
        "themes": ["culture-tourism", "energy-transition"],
        "required": ["exhibition-design", "immersive-xr"],
        "nice": ["music-audio", "interaction-design"],
        "budget": Budget.FROM_100K,
        "currency": EUR,
        "deadline": 52,
        "start": 120,
        "languages": ["de", "nl", "en"],
        "summary": "Een museumstichting in Essen zoekt een ontwerper voor een vaste tentoonstelling over de overstap "
        "van steenkool naar duurzame energie, in de oude machinehal van een mijn.",
        "brief": "De stichting beheert een voormalige kolenmijn die jaarlijks 250.000 bezoekers trekt, vooral "
        "scholieren en gezinnen. In de machinehal komt een vaste tentoonstelling over de energietransitie: van de "
        "mijnwerkers van toen tot de wind- en waterstofprojecten van nu. De stichting zoekt een museumervaring die "
        "de bezoeker zelf laat kiezen en ervaren, met ruimte voor immersieve installaties en geluid. Nederlandse "
        "ontwerpers zijn bekend bij de stichting door eerdere projecten in Rotterdam en Heerlen. De teksten in de "
        "tentoonstelling worden Duits en Engels; overleg kan ook in het Nederlands.",
        "fee_note": "Introductie, begeleiding bij de aanbesteding en lokale opvolging.",
        "age": 25,
    },
    {
        "title": "Dementievriendelijk interieur voor een dagcentrum in Hamburg-Altona",
        "lab": "berlin",
        "author": JONAS,
        "status": Status.CLOSED_WON,
        "city": "Hamburg",
        "client": "Pflegewerk Altona gGmbH",
        "client_public": True,
        "themes": ["elderly-care", "inclusion"],
        "required": ["interior-design", "service-design"],
        "nice": ["product-design"],
        "budget": Budget.FROM_25K,
        "currency": EUR,
        "deadline": -40,
        "start": 14,
        "languages": ["de", "nl"],
        "summary": "Een zorgaanbieder in Hamburg verbouwt een dagcentrum voor veertig mensen met dementie en zoekt "
        "een interieur dat hen helpt de weg te vinden en zich thuis te voelen.",
        "brief": "Het dagcentrum ligt in een voormalige school en voelt nog steeds als een gang met lokalen. De "
        "zorgaanbieder wil een interieur dat bezoekers met dementie helpt zich te oriënteren, met herkenbare plekken, "
        "rustige kleuren en zichtlijnen naar de tuin. Het personeel en de familie van bezoekers denken mee in twee "
        "werksessies. De verbouwing gebeurt in fases zodat het centrum open blijft. De voertaal is Duits; de "
        "projectleider van de zorgaanbieder spreekt ook Nederlands.",
        "fee_note": "Introductie en begeleiding tijdens de ontwerpfase.",
        "age": 75,
        "note": "Awarded to a Dutch interior studio after two pitches; the first phase starts next month.",
    },
    {
        "title": "Live parking and bus data dashboard for Potsdam's city centre",
        "lab": "berlin",
        "author": ANNA,
        "status": Status.EXPIRED,
        "city": "Potsdam",
        "client": "Landeshauptstadt Potsdam, Bereich Verkehrsentwicklung",
        "client_public": False,
        "themes": ["smart-cities", "mobility"],
        "required": ["data-visualisation", "interaction-design"],
        "nice": ["creative-technology"],
        "budget": Budget.UNDER_25K,
        "currency": EUR,
        "deadline": -6,
        "start": 30,
        "languages": ["de"],
        "summary": "Potsdam wants visitors to see free parking and the next bus at a glance, on screens at the "
        "edge of the old town and online, so fewer cars circle through the historic centre.",
        "brief": "The city already publishes live data from its parking garages and buses, but hardly anyone uses "
        "it. It looks for a designer who turns the data into a clear public dashboard for three large screens and "
        "the city website. A first version should be ready before the summer season. The budget covers design and "
        "a front-end prototype; the city's IT partner builds the final version.",
        "fee_note": "Introduction to the city's mobility team.",
        "age": 60,
    },
    # --- China: Creative Lab Shanghai -------------------------------------------------------------------
    {
        "title": "Community elderly care hub for a Shanghai residential district",
        "lab": "shanghai",
        "author": LI,
        "status": Status.PUBLISHED,
        "city": "Shanghai",
        "client": "Caojiadu Street Community Service Centre",
        "client_public": False,
        "themes": ["elderly-care", "inclusion"],
        "required": ["service-design", "interior-design"],
        "nice": ["architecture", "product-design"],
        "budget": Budget.FROM_100K,
        "currency": CNY,
        "deadline": 21,
        "start": 75,
        "languages": ["zh", "en"],
        "summary": "A street community in central Shanghai turns a former market hall into a day hub for 3,000 "
        "older residents: meals, health checks and activities. It looks for service design and interiors.",
        "brief": "One in three residents of the neighbourhood is over sixty, and many live alone in walk-up flats. "
        "The community service centre has a 1,200 m² hall and a budget from the district for a hub where older "
        "people eat together, see a nurse and join activities. It wants a service design that starts from the "
        "residents' daily routines, and an interior that is warm, easy to clean and usable with a walker. The "
        "client works in Mandarin; the Lab provides interpretation during site visits and workshops.",
        "fee_note": "Introduction, interpretation during site visits and help with the contract.",
        "age": 12,
    },
    {
        "title": "Circular retail concept: a repair and take-back floor for a Shanghai department store",
        "lab": "shanghai",
        "author": LI,
        "status": Status.PUBLISHED,
        "city": "Shanghai",
        "client": "Huaihai Lane Retail Group",
        "client_public": False,
        "themes": ["sustainability-circular"],
        "required": ["interior-design", "textile-design"],
        "nice": ["branding", "service-design"],
        "budget": Budget.FROM_100K,
        "currency": CNY,
        "deadline": 44,
        "start": 90,
        "languages": ["zh", "en"],
        "summary": "A department store group wants to open a floor for repair, resale and textile take-back, and "
        "make circular fashion feel like a premium experience for young Shanghai shoppers.",
        "brief": "The group runs four department stores and sees its young customers asking for second-hand and "
        "repair. It plans a 900 m² floor with a tailoring studio, a resale corner and a take-back point where "
        "returned garments are sorted for reuse or recycling. It looks for a Dutch team that combines circular "
        "textile know-how with retail interiors and branding. The pilot opens in one store and should be easy to "
        "repeat in the others. Meetings are in Mandarin and English.",
        "fee_note": "Introduction to the group's innovation team and local follow-up.",
        "age": 30,
    },
    {
        "title": "Heritage wayfinding and storytelling for a canal town near Suzhou",
        "lab": "shanghai",
        "author": LI,
        "status": Status.REJECTED,
        "city": "Suzhou",
        "client": "Tongli Old Town Tourism Development Co.",
        "client_public": False,
        "themes": ["culture-tourism", "water"],
        "required": ["graphic-design", "exhibition-design"],
        "nice": ["photography"],
        "budget": Budget.UNKNOWN,
        "currency": CNY,
        "deadline": 30,
        "start": 100,
        "languages": ["zh"],
        "summary": "A canal town west of Shanghai wants new signage and small exhibitions that tell the story of "
        "its waterways, for the growing number of day visitors.",
        "brief": "The town receives two million visitors a year who mostly see the main street and leave. The "
        "tourism company wants wayfinding that leads them along the smaller canals, with stories about the "
        "water management that shaped the town. It has not decided on a budget yet and asks for first ideas.",
        "fee_note": "Introduction.",
        "age": 20,
        "note": "The tourism company has not committed a budget and asks for free concept work. Please come back "
        "when there is a budget and a signed letter of intent.",
    },
    {
        "title": "Smart-home aids for older people living alone in Hangzhou",
        "lab": "shanghai",
        "author": LI,
        "status": Status.DRAFT,
        "city": "Hangzhou",
        "client": "Xihu District Senior Living Association",
        "client_public": False,
        "themes": ["elderly-care", "smart-cities"],
        "required": ["product-design", "interaction-design"],
        "nice": ["service-design"],
        "budget": Budget.FROM_25K,
        "currency": CNY,
        "deadline": 50,
        "start": 110,
        "languages": ["zh", "en"],
        "summary": "An association of senior housing providers wants simple home devices that let older people "
        "living alone call for help and share how they are doing, without cameras.",
        "brief": "Hangzhou has many older people living alone in flats without a lift. The association wants "
        "devices and a service around them that feel like everyday objects rather than alarms. Families and "
        "community nurses should see when something is wrong, with respect for privacy.",
        "fee_note": "Introduction and interpretation.",
        "age": 15,
        "sent_back": "Please add the budget range and who owns the data the devices collect; reviewers will ask.",
    },
    # --- China: Creative Lab Shenzhen ---------------------------------------------------------------------
    {
        "title": "Sponge city water playground and park design for Qianhai, Shenzhen",
        "lab": "shenzhen",
        "author": CHEN,
        "status": Status.PUBLISHED,
        "city": "Shenzhen",
        "client": "Qianhai Bayfront Development Co., Ltd.",
        "client_public": False,
        "themes": ["water", "smart-cities"],
        "required": ["landscape-architecture", "urban-design"],
        "nice": ["architecture", "data-visualisation"],
        "budget": Budget.OVER_500K,
        "currency": CNY,
        "deadline": 60,
        "start": 150,
        "languages": ["zh", "en"],
        "summary": "A developer in Qianhai wants an 8-hectare sponge city park that stores typhoon rain and is a "
        "place to play the rest of the year. Dutch water-square experience is explicitly asked for.",
        "brief": "Qianhai is built on reclaimed land and floods during typhoon season. The developer must hold 75% "
        "of rainfall on site and wants to do it in a park rather than in tanks. It looks for landscape architects "
        "who design water squares, wadis and playgrounds that fill and empty visibly, with sensors that show "
        "residents how much water the park holds. The design competition has two rounds; shortlisted teams are "
        "paid. Mandarin and English are both used; the Lab supports the competition paperwork.",
        "fee": "8.50",
        "fee_note": "Introduction, help with the competition entry and local follow-up until contract.",
        "age": 6,
    },
    {
        "title": "Interactive smart-city data visualisation wall for the Shenzhen planning exhibition",
        "lab": "shenzhen",
        "author": CHEN,
        "status": Status.PUBLISHED,
        "city": "Shenzhen",
        "client": "Shenzhen Urban Planning Exhibition Centre",
        "client_public": True,
        "themes": ["smart-cities", "culture-tourism"],
        "required": ["data-visualisation", "creative-technology"],
        "nice": ["exhibition-design", "interaction-design"],
        "budget": Budget.FROM_100K,
        "currency": CNY,
        "deadline": 9,
        "start": 40,
        "languages": ["zh", "en"],
        "summary": "The city's planning exhibition renews its main hall and wants a 20-metre interactive wall that "
        "shows live data on traffic, energy and green space, for school groups and visitors.",
        "brief": "The exhibition centre welcomes 600,000 visitors a year, many of them pupils. The current model of "
        "the city is static and dated. It wants an interactive data wall that visitors can explore with gestures "
        "or their phones, fed by the city's open data platform. The content team of the centre writes the texts; "
        "the designer is responsible for data design, interaction and the software. Installation must be finished "
        "before the October holiday.",
        "fee_note": "Introduction and local follow-up.",
        "age": 14,
    },
    {
        "title": "Traffic safety game for primary schools in the Greater Bay Area",
        "lab": "shenzhen",
        "author": CHEN,
        "status": Status.WITHDRAWN,
        "city": "Guangzhou",
        "client": "Bay Area Child Safety Foundation",
        "client_public": False,
        "themes": ["safety", "education", "mobility"],
        "required": ["serious-games"],
        "nice": ["animation"],
        "budget": Budget.FROM_25K,
        "currency": CNY,
        "deadline": 25,
        "start": 80,
        "languages": ["zh"],
        "summary": "A foundation wants a tablet game that teaches children how to cross busy roads and ride "
        "e-bikes safely, for use in 200 primary schools.",
        "brief": "E-bikes are everywhere in Guangzhou and Shenzhen and children are often passengers. The "
        "foundation wants a game that teaches road safety from a child's point of view, tested in schools. It should "
        "run on the tablets schools already have and come with a short lesson plan for teachers. Texts and voices "
        "are in Mandarin and Cantonese.",
        "fee_note": "Introduction.",
        "age": 40,
        "note": "The foundation merged the project into a national programme with a state-owned publisher.",
    },
    # --- United States: Creative Lab New York --------------------------------------------------------
    {
        "title": "Childhood obesity prevention campaign for families in the South Bronx",
        "lab": "new-york",
        "author": MARIA,
        "status": Status.PUBLISHED,
        "city": "New York",
        "client": "Bronx Healthy Kids Coalition",
        "client_public": True,
        "themes": ["health-obesity", "education", "food"],
        "required": ["advertising", "serious-games"],
        "nice": ["content-marketing", "animation"],
        "budget": Budget.FROM_100K,
        "currency": USD,
        "deadline": 28,
        "start": 60,
        "languages": ["en", "es"],
        "summary": "A coalition of clinics, schools and food banks wants a campaign that gets Bronx families "
        "moving and eating well, with a game children play at school and at home.",
        "brief": "Nearly half of the children in the South Bronx are overweight. The coalition has funding from a "
        "health foundation for a two-year campaign that reaches families where they are: schools, corner stores "
        "and clinics. It asks for a campaign and a serious game that reward movement and healthy snacks, built with "
        "children and parents. Everything must work in English and Spanish. The coalition knows Dutch examples of "
        "playful prevention programmes and wants to learn from them.",
        "fee_note": "Introduction, help with the proposal and local follow-up during the first year.",
        "age": 4,
    },
    {
        "title": "Accessible audio tour and tactile exhibits for a Hudson Valley art museum",
        "lab": "new-york",
        "author": MARIA,
        "status": Status.PUBLISHED,
        "city": "Beacon",
        "client": "Riverbend Art Museum",
        "client_public": False,
        "themes": ["culture-tourism", "inclusion"],
        "required": ["music-audio", "exhibition-design"],
        "nice": ["product-design", "interaction-design"],
        "budget": Budget.FROM_25K,
        "currency": USD,
        "deadline": 13,
        "start": 50,
        "languages": ["en"],
        "summary": "An art museum north of New York City wants blind and partially sighted visitors to enjoy its "
        "collection on their own, with an audio experience and touchable models of key works.",
        "brief": "The museum shows large sculptures in former factory halls and wants to be the most accessible art "
        "museum in the state. It asks for an audio experience that describes the works and the spaces, and a set "
        "of tactile models visitors can explore. Blind and partially sighted advisers take part throughout the "
        "project. The experience must work on visitors' own phones and on loan devices.",
        "fee_note": "Introduction and support during the first visit.",
        "age": 21,
    },
    {
        "title": "Resilient waterfront: community engagement for a new flood wall in Red Hook",
        "lab": "new-york",
        "author": MARIA,
        "status": Status.CLOSED_NOT_WON,
        "city": "New York",
        "client": "Red Hook Waterfront Alliance",
        "client_public": True,
        "themes": ["water", "inclusion"],
        "required": ["landscape-architecture", "service-design"],
        "nice": ["film-video"],
        "budget": Budget.FROM_25K,
        "currency": USD,
        "deadline": -20,
        "start": 10,
        "languages": ["en", "es"],
        "summary": "A neighbourhood alliance wants residents to help shape a new flood wall and waterfront park, "
        "so that it protects Red Hook without cutting it off from the water.",
        "brief": "After Hurricane Sandy, Red Hook gets a flood wall along its waterfront. The alliance wants "
        "residents, many of them in public housing, to have a real say in its design. It looks for a team that "
        "runs workshops, makes the plans understandable and brings in Dutch examples of living with water.",
        "fee_note": "Introduction.",
        "age": 70,
        "note": "The alliance chose a local landscape office; two Dutch studios made the shortlist.",
    },
    {
        "title": "Energy transition storytelling for a Brooklyn community solar programme",
        "lab": "new-york",
        "author": MARIA,
        "status": Status.SUBMITTED,
        "city": "New York",
        "client": "Sunset Park Community Solar",
        "client_public": True,
        "themes": ["energy-transition", "inclusion"],
        "required": ["film-video", "content-marketing"],
        "nice": ["photography"],
        "budget": Budget.UNDER_25K,
        "currency": USD,
        "deadline": 40,
        "start": 75,
        "languages": ["en", "es", "zh"],
        "summary": "A community solar programme in Sunset Park wants short films and stories that help renters "
        "understand how they can join and save on their energy bills.",
        "brief": "Renters in Sunset Park can buy into solar panels on local school roofs, but few know it exists. "
        "The programme wants a series of short films and social media stories in English, Spanish and Chinese, made "
        "with residents who already joined. The material should be ready for the autumn sign-up drive.",
        "fee_note": "Introduction and local follow-up.",
        "age": 3,
    },
]


def seed_opportunities() -> int:
    """Create the demo opportunities that don't exist yet (matched on title); returns how many were created.

    Needs the Labs and staff of `labs.demo.seed_programme`.
    """
    with transaction.atomic():
        existing = set(
            Opportunity.objects.filter(title__in=[s["title"] for s in OPPORTUNITIES]).values_list("title", flat=True)
        )
        users = {
            user.email: user
            for user in User.objects.filter(email__in=[ANNA, JONAS, LI, CHEN, MARIA, SANNE, PIETER, EMMA])
        }
        labs = {lab.slug: lab for lab in Lab.objects.select_related("country")}
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        disciplines = {discipline.slug: discipline for discipline in Discipline.objects.all()}
        developers = {bd.user.email: bd for bd in BusinessDeveloper.objects.select_related("user")}
        created = []
        for spec in OPPORTUNITIES:
            if spec["title"] in existing:
                continue
            created.append(_seed_one(spec, users, labs, themes, disciplines, developers))
        # The demo tells its story in the app only: mark its notifications as sent, so no e-mail goes out.
        Notification.objects.filter(opportunity__in=created, emailed_at=None).update(emailed_at=timezone.now())
    return len(created)


def _seed_one(spec, users, labs, themes, disciplines, developers) -> Opportunity:
    if len(spec["summary"]) > 300:
        raise ValueError(f"Summary too long for a demo opportunity: {spec['title']}")
    today = timezone.localdate()
    lab = labs[spec["lab"]]
    author = users[spec["author"]]
    reviewer = users[REVIEWER[spec["lab"]]]
    status = spec["status"]
    passed = status in (Status.CLOSED_WON, Status.CLOSED_NOT_WON, Status.EXPIRED)
    # A deadline that has passed was in the future while the opportunity was open.
    open_deadline = today + datetime.timedelta(days=abs(spec["deadline"]) + 30 if passed else spec["deadline"])
    data = {
        "lab": lab,
        "title": spec["title"],
        "summary": spec["summary"],
        "brief": spec["brief"],
        "client_name": spec["client"],
        "client_is_public": spec["client_public"],
        "country": lab.country,
        "city": spec["city"],
        "budget_band": spec["budget"],
        "currency": spec["currency"],
        "expected_start": today + datetime.timedelta(days=spec["start"]),
        "deadline": open_deadline,
        "languages": spec["languages"],
        "fee_percentage": spec.get("fee", lab.default_fee_percentage),
        "fee_note": spec["fee_note"],
    }
    contacts = [developers[spec["author"]]]
    m2m = {
        "themes": [themes[slug] for slug in spec["themes"]],
        "required_disciplines": [disciplines[slug] for slug in spec["required"]],
        "nice_disciplines": [disciplines[slug] for slug in spec["nice"]],
        "contacts": contacts,
    }
    opportunity = opportunity_create(user=author, data=data, m2m=m2m)

    def step(name: str, user: User, note: str = "") -> None:
        opportunity_transition(opportunity=opportunity, user=user, name=name, note=note)

    if spec.get("sent_back"):
        step("submit", author)
        step("send_back", reviewer, spec["sent_back"])
    if status == Status.DRAFT:
        pass
    elif status == Status.SUBMITTED:
        step("submit", author)
    elif status == Status.REJECTED:
        step("submit", author)
        step("reject", reviewer, spec["note"])
    else:
        if lab.is_trusted:
            step("publish_directly", author)
        else:
            step("submit", author)
            step("publish", reviewer)
        if passed:
            Opportunity.objects.filter(pk=opportunity.pk).update(
                deadline=today + datetime.timedelta(days=spec["deadline"])
            )
        if status == Status.EXPIRED:
            opportunity_expire(opportunity=opportunity, today=today)
        elif status == Status.CLOSED_WON:
            step("close_won", author, spec["note"])
        elif status == Status.CLOSED_NOT_WON:
            step("close_not_won", author, spec["note"])
        elif status == Status.WITHDRAWN:
            step("withdraw", author, spec["note"])
    _spread_over_time(opportunity, spec)
    opportunity.refresh_from_db()
    if opportunity.status != status:
        raise RuntimeError(f"Demo opportunity {spec['title']!r} ended up {opportunity.status}, not {status}.")
    return opportunity


def _spread_over_time(opportunity: Opportunity, spec: dict) -> None:
    """Move the history back in time: created `age` days ago, each step a day or so after the one before.

    A closing step comes when it would have: the day after the deadline for an expired opportunity, some days
    after it for a closed one, recently for a withdrawn one.
    """
    now = timezone.now()
    start = now - datetime.timedelta(days=spec["age"])
    events = list(OpportunityEvent.objects.filter(opportunity=opportunity).order_by("created_at", "id"))
    deadline = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=spec["deadline"]), datetime.time(9))
    )
    ending = {
        Status.EXPIRED: deadline + datetime.timedelta(days=1),
        Status.CLOSED_WON: deadline + datetime.timedelta(days=12),
        Status.CLOSED_NOT_WON: deadline + datetime.timedelta(days=9),
        Status.WITHDRAWN: now - datetime.timedelta(days=2),
    }.get(spec["status"])
    moments = {}
    moment = start
    for index, event in enumerate(events):
        if index:
            moment += datetime.timedelta(days=1, hours=3)
        if ending is not None and index == len(events) - 1:
            moment = max(moment, min(ending, now - datetime.timedelta(hours=1)))
        OpportunityEvent.objects.filter(pk=event.pk).update(created_at=moment)
        moments[event.action] = moment  # the last time each step was taken
    changes = {"created_at": start}
    Action = OpportunityEvent.Action
    if Action.SUBMITTED in moments:
        changes["submitted_at"] = moments[Action.SUBMITTED]
    if Action.PUBLISHED in moments:
        changes["published_at"] = moments[Action.PUBLISHED]
    Opportunity.objects.filter(pk=opportunity.pk).update(**changes)
    # Notifications are named after the step they tell about.
    for kind, moment in moments.items():
        Notification.objects.filter(opportunity=opportunity, kind=kind).update(created_at=moment)
