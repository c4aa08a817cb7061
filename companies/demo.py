"""Demo companies, their portfolios and the SME logins that belong to them.

Forty fictional Dutch creative SMEs across every discipline and theme. Names, KvK numbers, clients and
websites are invented; cities and countries are real. Specs with ``"dutch": True`` (a fifth of them) write
their pitch, description and portfolio in Dutch, the rest in English. Some companies share words with a
theme in another sense ("skin-care", "water-based paints") so that matching has decoys to get right.

Portfolio images are placeholders drawn with Pillow at seed time and stored through the real upload
services, so they are validated and re-encoded like any upload. Nothing binary lives in the repository.
"""

import colorsys
import functools
import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from accounts.demo import demo_user

from .models import Company, Discipline, Membership, Visibility
from .services import portfolio_file_add, portfolio_item_create, portfolio_item_update

MICRO, SMALL, MEDIUM = Company.Size.MICRO, Company.Size.SMALL, Company.Size.MEDIUM
PUBLIC, LAB, PRIVATE = Visibility.PUBLIC, Visibility.LAB, Visibility.PRIVATE

PLACEHOLDER_SIZE = (640, 400)


def _item(title, client, year, country, disciplines, themes, description, *, visibility=PUBLIC, images=1) -> dict:
    """One portfolio item; `images` placeholder images are generated for it."""
    return {
        "title": title,
        "client": client,
        "year": year,
        "country": country,
        "disciplines": disciplines,
        "themes": themes,
        "description": description,
        "visibility": visibility,
        "images": images,
    }


COMPANIES = [
    # --- Written in Dutch ------------------------------------------------------------------------
    {
        "slug": "studio-fietsveilig",
        "name": "Studio Fietsveilig",
        "kvk": "81234567",
        "city": "Utrecht",
        "size": Company.Size.MICRO,
        "founded": 2016,
        "website": "https://fietsveilig.example",
        "pitch": "Serious games en campagnes die kinderen veilig leren fietsen.",
        "description": "Wij ontwerpen serious games, lespakketten en straatinterventies over verkeersveiligheid "
        "voor basisscholen en gemeenten. Ons spel Safe Cycling Quest wordt in veertig Nederlandse steden gespeeld.",
        "disciplines": ["serious-games", "games", "service-design"],
        "themes": ["mobility", "education", "safety"],
        "targets": ["DE", "US"],
        "presence": ["DE"],
        "languages": ["nl", "en", "de"],
        "dutch": True,
        "owner": ("sme.owner@demo.creativelabs.example", "Fatima El Amrani", "nl"),
        "members": [("sme.colleague@demo.creativelabs.example", "Daan Bakker", "nl")],
        "portfolio": [
            _item(
                "Safe Cycling Quest",
                "Stichting Verkeerswijs",
                2019,
                "NL",
                ["serious-games", "games"],
                ["mobility", "education", "safety"],
                "Een serious game voor groep 7 en 8 waarin kinderen op een tablet hun eigen schoolroute fietsen en "
                "gevaarlijke kruispunten leren herkennen. Inmiddels gespeeld door ruim 60.000 leerlingen in veertig gemeenten.",
                images=2,
            ),
            _item(
                "Dode hoek op het schoolplein",
                "Vervoerdersvereniging Midden-Nederland",
                2021,
                "NL",
                ["service-design", "serious-games"],
                ["safety", "mobility", "education"],
                "Een lesdag waarin leerlingen zelf in de cabine van een vrachtwagen zitten en daarna met krijt de dode "
                "hoek op het plein tekenen. Het draaiboek is zo opgezet dat een school de dag zonder ons kan herhalen.",
            ),
            _item(
                "Sicher zur Schule (pilot)",
                "Fahrradbündnis Münsterland",
                2024,
                "DE",
                ["serious-games", "games"],
                ["mobility", "education", "safety"],
                "Een Duitse versie van Safe Cycling Quest, aangepast aan de Duitse verkeersregels en getest op zes "
                "basisscholen rond Münster. De resultaten gebruiken we voor een uitrol in Noordrijn-Westfalen.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "dijkwerk-landschap",
        "name": "Dijkwerk Landschap",
        "kvk": "70214583",
        "city": "Rotterdam",
        "size": SMALL,
        "founded": 2009,
        "pitch": "Landschapsarchitecten voor dijken, waterpleinen en rivieroevers waar mensen graag komen.",
        "description": "Dijkwerk Landschap ontwerpt klimaatbestendige openbare ruimte: waterpleinen, groene dijken en "
        "rivierparken die bij hoogwater water bergen en de rest van het jaar een plek zijn om te wandelen en te spelen. "
        "We werken vaak samen met waterschappen en ingenieursbureaus, van het eerste schetsontwerp tot het bestek. "
        "Sinds 2020 begeleiden we ook projecten langs de Elbe en in de Jangtsekiang-delta.",
        "disciplines": ["landscape-architecture", "urban-design"],
        "themes": ["water", "culture-tourism"],
        "targets": ["DE", "CN", "US"],
        "languages": ["nl", "en", "de"],
        "dutch": True,
        "portfolio": [
            _item(
                "Waterplein De Kuip",
                "Woningcorporatie Maasoever",
                2017,
                "NL",
                ["landscape-architecture", "urban-design"],
                ["water"],
                "Een verdiept speelplein voor een naoorlogse wijk dat bij een wolkbreuk 1.800 kuub regenwater opvangt. "
                "Tribunes, een basketbalveld en een waterrad maken de waterberging zichtbaar voor de kinderen uit de buurt.",
                images=2,
            ),
            _item(
                "Elbufer-promenade",
                "Hafenquartier Entwicklungsgesellschaft",
                2022,
                "DE",
                ["landscape-architecture"],
                ["water", "culture-tourism"],
                "Een overstroombare promenade van 900 meter langs de Elbe, met zittrappen die bij hoogwater onderlopen "
                "en een getijdentuin. Het ontwerp maakten we samen met een Hamburgs bureau.",
            ),
            _item(
                "Sponspark Kunshan (ontwerpstudie)",
                "Kunshan Lakeside Development Co.",
                2024,
                "CN",
                ["urban-design", "landscape-architecture"],
                ["water", "smart-cities"],
                "Een ontwerpstudie voor een 'sponsstad'-park van 12 hectare dat regenwater vasthoudt en zuivert met "
                "helofytenfilters. Nog niet gepubliceerd; gedeeld met het Lab in Shanghai.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "grijs-goud-zorgontwerp",
        "name": "Grijs Goud Zorgontwerp",
        "kvk": "71839204",
        "city": "Zwolle",
        "size": MICRO,
        "founded": 2015,
        "pitch": "Wij ontwerpen zorgdiensten en woonomgevingen waarin ouderen langer zelfstandig en met plezier wonen.",
        "description": "Grijs Goud is een ontwerpbureau voor de ouderenzorg. Samen met bewoners, mantelzorgers en "
        "verpleegkundigen ontwerpen we dagritmes, huiskamers en buurtdiensten die eenzaamheid verminderen en het werk "
        "van zorgverleners lichter maken. Voor Duitse zorgaanbieders werken we vanuit een kleine vestiging in Osnabrück.",
        "disciplines": ["service-design", "interior-design"],
        "themes": ["elderly-care", "inclusion"],
        "targets": ["DE"],
        "presence": ["DE"],
        "languages": ["nl", "de", "en"],
        "dutch": True,
        "portfolio": [
            _item(
                "Huiskamer van de toekomst",
                "Zorggroep De Lindeboom",
                2019,
                "NL",
                ["interior-design", "service-design"],
                ["elderly-care"],
                "Herinrichting van zes huiskamers voor bewoners met dementie: vaste zitplekken, daglichtlampen en een "
                "keuken waarin bewoners zelf mogen meekoken. Het aantal valincidenten daalde in het eerste jaar met een kwart.",
            ),
            _item(
                "Samen Thuis",
                "Stichting Buurtkracht Zwolle-Zuid",
                2021,
                "NL",
                ["service-design"],
                ["elderly-care", "inclusion"],
                "Een buurtdienst waarin buren elkaar helpen met boodschappen, klusjes en een wekelijkse kop koffie. "
                "Wij ontwierpen de afspraken, het aanmeldproces en een papieren planning voor wie geen smartphone heeft.",
            ),
            _item(
                "Quartierspflege Osnabrück",
                "Seniorenwohnstift Hasetal",
                2024,
                "DE",
                ["service-design"],
                ["elderly-care"],
                "Een ontwerp voor wijkverpleging in kleine zelfsturende teams naar Nederlands model, aangepast aan de "
                "Duitse Pflegeversicherung. De pilot met twee teams loopt tot eind 2025.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "kringloopkleed",
        "name": "Kringloopkleed",
        "kvk": "72563018",
        "city": "Arnhem",
        "size": MICRO,
        "founded": 2018,
        "pitch": "Circulaire mode: wij maken nieuwe collecties van afgedankte bedrijfskleding en hotellinnen.",
        "description": "Kringloopkleed ontwerpt circulaire modecollecties van textiel dat anders verbrand zou worden, "
        "zoals afgeschreven bedrijfskleding, hotellinnen en ziekenhuisuniformen. We ontwerpen elk kledingstuk zo dat het "
        "weer uit elkaar kan en te recyclen is: één materiaalsoort, geen lijm en knopen die eraf kunnen. Ons atelier zit "
        "in een voormalige textielfabriek in Arnhem.",
        "disciplines": ["fashion-design", "textile-design"],
        "themes": ["sustainability-circular"],
        "targets": ["DE", "BE", "FR"],
        "languages": ["nl", "en", "de", "fr"],
        "dutch": True,
        "portfolio": [
            _item(
                "Uniform 2.0",
                "Spoorwerk Schoonmaakdiensten",
                2022,
                "NL",
                ["fashion-design", "textile-design"],
                ["sustainability-circular"],
                "Een nieuwe lijn werkkleding voor 1.200 schoonmakers, gemaakt van gerecycled polyester uit hun oude "
                "uniformen. Elk kledingstuk heeft een ingeweven label waarmee de terugname bij inlevering geregeld is.",
            ),
            _item(
                "Hotelrok",
                "Hotelgroep Oeverlicht",
                2023,
                "NL",
                ["fashion-design"],
                ["sustainability-circular"],
                "Een capsulecollectie van rokken en jasjes, gemaakt van 800 afgeschreven hotellakens en verkocht in de "
                "hotelwinkels. Het project liet zien dat linnen met vlekken nog prima te verven is.",
            ),
            _item(
                "Kreislauf-Kollektion",
                "Modehaus Brandt & Vogel",
                2024,
                "DE",
                ["fashion-design", "textile-design"],
                ["sustainability-circular"],
                "Een kleine circulaire collectie voor een Duits familiewarenhuis, met een terugnamesysteem in de winkel. "
                "Verkocht in drie filialen in Noordrijn-Westfalen.",
                visibility=LAB,
            ),
        ],
    },
    {
        "slug": "beweegbaas",
        "name": "Beweegbaas",
        "kvk": "73019456",
        "city": "Tilburg",
        "size": MICRO,
        "founded": 2017,
        "pitch": "Interactieve speelpleinen en beweeggames die kinderen met overgewicht weer in beweging krijgen.",
        "description": "Beweegbaas ontwikkelt beweeggames voor schoolpleinen en gymzalen: projecties, lichtgevende "
        "tegels en apps die kinderen uitdagen om te rennen, te springen en samen te spelen. We werken met "
        "kinderfysiotherapeuten en jeugdartsen om te meten wat echt werkt. Kinderen met overgewicht bewegen in onze "
        "pilots gemiddeld twintig minuten per dag meer.",
        "disciplines": ["serious-games", "interaction-design"],
        "themes": ["health-obesity", "education"],
        "targets": ["DE", "US"],
        "languages": ["nl", "en"],
        "dutch": True,
        "portfolio": [
            _item(
                "Tikkertegels",
                "Stichting Brabantse Basisscholen Oost",
                2020,
                "NL",
                ["serious-games", "interaction-design"],
                ["health-obesity", "education"],
                "Een schoolplein met 48 lichtgevende tegels en tien spelvormen, van tikkertje tot een rekenrace. In het "
                "eerste schooljaar steeg het aandeel kinderen dat in de pauze actief speelt van 40 naar 75 procent.",
                images=2,
            ),
            _item(
                "Sprongkampioen",
                "Jeugdgezondheidsdienst Midden-Brabant",
                2022,
                "NL",
                ["serious-games"],
                ["health-obesity"],
                "Een app waarmee kinderen thuis met hun ouders springchallenges doen en punten sparen voor de klas. "
                "De app is ontworpen met kinderdiëtisten en heeft geen advertenties of aankopen in de app.",
            ),
            _item(
                "Move Lab Ohio (voorstel)",
                "Riverbend School District",
                2025,
                "US",
                ["serious-games", "interaction-design"],
                ["health-obesity", "education"],
                "Een voorstel voor een Amerikaanse variant van de Tikkertegels voor overdekte gymzalen, met Engelstalige "
                "spellen en een meetprogramma. We zijn nog in gesprek, daarom is het alleen intern zichtbaar.",
                visibility=PRIVATE,
                images=0,
            ),
        ],
    },
    {
        "slug": "stroomlijn-datastudio",
        "name": "Stroomlijn Datastudio",
        "kvk": "74402817",
        "city": "Groningen",
        "size": SMALL,
        "founded": 2012,
        "pitch": "Wij maken de energietransitie zichtbaar met dashboards, datakunst en interactieve kaarten.",
        "description": "Stroomlijn vertaalt energiedata naar beelden die bewoners, bestuurders en netbeheerders "
        "begrijpen. We bouwen warmtekaarten, dashboards voor energiecoöperaties en installaties die laten zien hoeveel "
        "zonnestroom een wijk op dit moment opwekt. Onze opdrachtgevers zitten in Noord-Nederland, Duitsland en sinds "
        "kort ook in China.",
        "disciplines": ["data-visualisation", "creative-technology"],
        "themes": ["energy-transition", "smart-cities"],
        "targets": ["DE", "CN"],
        "languages": ["nl", "en", "de"],
        "listed": False,
        "dutch": True,
        "portfolio": [
            _item(
                "Dorpsstroommeter",
                "Energiecoöperatie Noorderzon",
                2021,
                "NL",
                ["data-visualisation", "creative-technology"],
                ["energy-transition"],
                "Een lichtzuil op het dorpsplein die live laat zien hoeveel van de stroom in het dorp uit de eigen "
                "zonnepanelen komt. Bewoners verschoven hun wasmachine massaal naar zonnige middagen.",
            ),
            _item(
                "Wärmeatlas Ostfriesland",
                "Kommunale Wärmeplanung Ostfriesland-Nord",
                2023,
                "DE",
                ["data-visualisation"],
                ["energy-transition", "smart-cities"],
                "Een interactieve warmtekaart voor zes gemeenten die per straat laat zien welke alternatieven voor "
                "aardgas haalbaar zijn. Gebruikt op bewonersavonden en in de gemeentelijke warmteplannen.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "uitgeverij-lange-adem",
        "name": "Uitgeverij Lange Adem",
        "kvk": "75561032",
        "city": "Haarlem",
        "size": MICRO,
        "founded": 2004,
        "pitch": "Een kleine uitgeverij van fotoboeken, stadsgidsen en lesmateriaal over erfgoed.",
        "description": "Lange Adem maakt boeken die de tijd nemen: fotoboeken over landschap en erfgoed, wandelgidsen "
        "voor steden en lesmateriaal voor musea. We doen het ontwerp, de fotografie en de productie zelf en drukken bij "
        "voorkeur in Nederland en België. Een deel van onze titels verschijnt ook in het Duits.",
        "disciplines": ["publishing", "graphic-design", "photography"],
        "themes": ["culture-tourism", "education"],
        "targets": ["DE", "BE"],
        "languages": ["nl", "en", "de"],
        "dutch": True,
        "portfolio": [
            _item(
                "Haarlem in twaalf wandelingen",
                "Eigen uitgave",
                2018,
                "NL",
                ["publishing", "photography", "graphic-design"],
                ["culture-tourism"],
                "Een stadsgids met twaalf wandelroutes langs hofjes, brouwerijen en vergeten fabrieken, met kaarten die "
                "we zelf tekenden. Inmiddels in de vierde druk en vertaald in het Duits.",
            ),
            _item(
                "Museumkoffer Vroeger & Nu",
                "Stichting Erfgoededucatie Kennemerland",
                2022,
                "NL",
                ["publishing", "graphic-design"],
                ["education", "culture-tourism"],
                "Een leskoffer voor groep 5 tot en met 8 met prentkaarten, een werkboek en een handleiding voor de "
                "leerkracht over het dagelijks leven rond 1900. Uitgeleend aan meer dan 150 scholen.",
            ),
        ],
    },
    {
        "slug": "bureau-brugwachter",
        "name": "Bureau Brugwachter",
        "kvk": "76128350",
        "city": "Leeuwarden",
        "size": SMALL,
        "founded": 2011,
        "pitch": "Tentoonstellingen en bezoekerscentra over water, land en de mensen die er wonen.",
        "description": "Bureau Brugwachter ontwerpt tentoonstellingen, bezoekerscentra en evenementen voor musea, "
        "natuurorganisaties en waterschappen. We vertellen het verhaal van een plek met decor, licht, geluid en "
        "voorwerpen die bezoekers mogen aanraken. Onze bekendste projecten gaan over het leven met water in Friesland "
        "en aan de Waddenzee.",
        "disciplines": ["exhibition-design", "events-experience"],
        "themes": ["culture-tourism", "water"],
        "targets": ["DE", "CN"],
        "languages": ["nl", "en", "de"],
        "dutch": True,
        "portfolio": [
            _item(
                "Terpenland",
                "Stichting Terpencentrum Noordwest",
                2019,
                "NL",
                ["exhibition-design"],
                ["culture-tourism", "water"],
                "Een vaste tentoonstelling over 2.500 jaar wonen op terpen, met een schaalmodel waarin bezoekers zelf "
                "het water laten stijgen. Jaarlijks komen er 45.000 bezoekers.",
            ),
            _item(
                "Wattenmeer-Erlebnisfestival",
                "Besucherzentrum Nordküste",
                2023,
                "DE",
                ["events-experience", "exhibition-design"],
                ["water", "culture-tourism"],
                "Een driedaags festival met een reizend paviljoen over wadlopen, getijden en kustbescherming. Het "
                "paviljoen is demontabel en stond daarna nog in twee Duitse kustplaatsen.",
                visibility=LAB,
                images=0,
            ),
            _item(
                "Dijkwachtersnacht",
                "Waterschap Kweldermeer",
                2024,
                "NL",
                ["events-experience"],
                ["water", "safety"],
                "Een avondprogramma op de dijk waarin bewoners met lampen, verhalen en een zandzakkenestafette leren "
                "wat er gebeurt bij een dijkdoorbraak. Ontwikkeld met de brandweer uit de regio.",
                images=0,
            ),
        ],
    },
    # --- Written in English ----------------------------------------------------------------------
    {
        "slug": "hollow-reed-audio",
        "name": "Hollow Reed Audio",
        "kvk": "60318742",
        "city": "Den Haag",
        "size": MICRO,
        "founded": 2014,
        "pitch": "Spatial sound, audio guides and audio description that make museums and heritage sites accessible to every visitor.",
        "description": "Hollow Reed Audio composes and produces sound for places: binaural audio tours, spatial "
        "soundscapes for exhibitions and audio description for blind and partially sighted visitors. We record on "
        "location, write the scripts with curators and test every tour with visitors who rely on it. Our tours are "
        "available in Dutch, English, German and Japanese.",
        "disciplines": ["music-audio", "immersive-xr"],
        "themes": ["culture-tourism", "inclusion"],
        "targets": ["US", "DE", "JP"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Whispering Walls audio tour",
                "Hofvijver Heritage Foundation",
                2020,
                "NL",
                ["music-audio"],
                ["culture-tourism", "inclusion"],
                "A binaural tour through a seventeenth-century palace in which the voices of former residents seem to "
                "come from behind doors and panelling. Includes a fully audio-described route, tested with 30 blind visitors.",
                images=2,
            ),
            _item(
                "Listening to the Rhine",
                "Rheinland Museum Network",
                2023,
                "DE",
                ["music-audio", "immersive-xr"],
                ["culture-tourism"],
                "A spatial sound installation on twelve speakers that follows the river from the Alps to the North Sea, "
                "built for a travelling exhibition shown in three German museums.",
            ),
            _item(
                "Temple garden soundscape",
                "Higashiyama Garden Trust",
                2024,
                "JP",
                ["music-audio"],
                ["culture-tourism"],
                "Generative ambient sound for the visitor pavilion of a restored garden in Kyoto, composed from field "
                "recordings made over four seasons.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "lanternfish-animation",
        "name": "Lanternfish Animation",
        "kvk": "60475129",
        "city": "Utrecht",
        "size": SMALL,
        "founded": 2013,
        "pitch": "2D and 3D animation studio making children's series and explainers about health, food and growing up.",
        "description": "Lanternfish Animation is a studio of 22 animators, writers and directors making short series "
        "and explainers for children and young teenagers. Our best-known series, Veggie Rangers, teaches healthy "
        "eating without preaching and has been dubbed into five languages. Since 2021 a co-production partner in "
        "Shenzhen has made our Chinese-language versions.",
        "disciplines": ["animation", "film-video"],
        "themes": ["health-obesity", "education"],
        "targets": ["CN", "US"],
        "presence": ["CN"],
        "languages": ["nl", "en", "zh"],
        "portfolio": [
            _item(
                "Veggie Rangers, seasons 1 and 2",
                "Tulpveld Kids TV",
                2019,
                "NL",
                ["animation"],
                ["health-obesity", "education"],
                "Twenty-six seven-minute episodes in which four vegetables solve problems in a school canteen. "
                "Developed with paediatric dietitians; the teaching pack is used in 900 primary schools.",
                images=2,
            ),
            _item(
                "Little Dragon Eats Well",
                "Pearl River Children's Media",
                2022,
                "CN",
                ["animation"],
                ["health-obesity", "education"],
                "A Mandarin adaptation of Veggie Rangers with new episodes about Chinese school lunches and sugary "
                "drinks, co-produced in Shenzhen and streamed on two children's platforms.",
            ),
            _item(
                "Why Sleep Matters",
                "Great Lakes Paediatric Alliance",
                2024,
                "US",
                ["animation", "film-video"],
                ["health-obesity"],
                "A three-minute explainer for parents about sleep, screens and weight in children, shown in paediatric "
                "waiting rooms in Michigan and Ohio.",
            ),
        ],
    },
    {
        "slug": "tidewise-studio",
        "name": "Tidewise Studio",
        "kvk": "61203398",
        "city": "Delft",
        "size": SMALL,
        "founded": 2016,
        "pitch": "Flood-risk maps, water dashboards and interactive models that help cities and residents prepare for high water.",
        "description": "Tidewise Studio turns hydraulic models and sensor data into maps and interactive tools that "
        "non-experts understand. Water authorities use our dashboards in their crisis rooms; residents use our "
        "street-level flood viewer to see what a once-in-a-century storm means for their own front door. We work from "
        "Delft and, since 2022, with a partner office in Brooklyn.",
        "disciplines": ["data-visualisation", "creative-technology"],
        "themes": ["water", "smart-cities"],
        "targets": ["US", "CN"],
        "presence": ["US"],
        "languages": ["nl", "en"],
        "portfolio": [
            _item(
                "Street-level flood viewer",
                "Waterschap Lagewaard",
                2020,
                "NL",
                ["data-visualisation", "creative-technology"],
                ["water", "safety"],
                "A web tool that shows the expected water depth at any address for five flood scenarios, with images "
                "rendered from street level. Used by 120,000 residents in its first storm season.",
                images=2,
            ),
            _item(
                "Harbor resilience dashboard",
                "Lower Bay Resilience Office",
                2023,
                "US",
                ["data-visualisation"],
                ["water", "smart-cities"],
                "A live dashboard combining tide gauges, rain radar and 300 basement sensors for a coastal district of "
                "New York, built with the city's emergency managers after two flash floods.",
            ),
            _item(
                "Sponge city monitor (pilot)",
                "Lingang Water Investment Co.",
                2025,
                "CN",
                ["data-visualisation", "creative-technology"],
                ["water", "smart-cities"],
                "A pilot dashboard showing how much rain the green roofs and retention ponds of a new district absorb. "
                "Shared with the Lab in Shanghai for follow-up.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "cobble-and-crane-architects",
        "name": "Cobble & Crane Architects",
        "kvk": "61784520",
        "city": "Rotterdam",
        "size": MEDIUM,
        "founded": 2002,
        "pitch": "Architects of timber housing, care homes and mixed-use blocks built to be taken apart and reused.",
        "description": "Cobble & Crane is an architecture practice of 70 people designing housing, care buildings and "
        "mixed-use city blocks. We build mostly in timber and design every building so that its parts can be taken "
        "apart and reused. Our Shanghai studio has worked on senior housing and urban renewal in the Yangtze River "
        "Delta since 2015.",
        "disciplines": ["architecture", "urban-design"],
        "themes": ["elderly-care", "sustainability-circular"],
        "targets": ["DE", "CN"],
        "presence": ["CN"],
        "languages": ["nl", "en", "de", "zh"],
        "portfolio": [
            _item(
                "Lindenhof senior courtyard",
                "Wohnungsgenossenschaft Lindenhof",
                2021,
                "DE",
                ["architecture"],
                ["elderly-care", "sustainability-circular"],
                "Sixty-four apartments for older residents around a shared garden, built in cross-laminated timber "
                "with a community kitchen and a care post on the ground floor. Every facade panel is bolted, not "
                "glued, so it can be reused.",
                images=2,
            ),
            _item(
                "Shipyard Block",
                "Rijnhaven Vastgoed CV",
                2019,
                "NL",
                ["architecture", "urban-design"],
                ["sustainability-circular"],
                "A mixed-use block of 120 homes, a primary school and workshops on a former shipyard, built partly "
                "from steel salvaged from the yard's own sheds.",
            ),
            _item(
                "Old lanes renewal",
                "Huangpu Old Lanes Renewal Company",
                2023,
                "CN",
                ["urban-design", "architecture"],
                ["elderly-care"],
                "The renovation of three lilong lanes in Shanghai where most residents are over seventy: lifts in "
                "shared stairwells, a canteen and a day-care centre, keeping the historic shikumen gates.",
                visibility=LAB,
            ),
            _item(
                "Demountable office (competition entry)",
                "Competition entry",
                2024,
                "DE",
                ["architecture"],
                ["sustainability-circular"],
                "A competition entry for a fully demountable office building in Leipzig. Not yet published.",
                visibility=PRIVATE,
                images=0,
            ),
        ],
    },
    {
        "slug": "velvetbrook-branding",
        "name": "Velvetbrook Branding",
        "kvk": "62045871",
        "city": "Amsterdam",
        "size": SMALL,
        "founded": 2010,
        "pitch": "Brand identities and packaging for skin-care, beauty and personal-care brands.",
        "description": "Velvetbrook builds brands for skin-care and beauty companies, from naming and identity to "
        "packaging and launch campaigns. Our work for anti-ageing and sensitive-skin care lines has won packaging "
        "awards in Paris and Shanghai. More and more of our packaging is refillable, cutting plastic by half or more.",
        "disciplines": ["branding", "graphic-design", "advertising"],
        "themes": ["sustainability-circular"],
        "targets": ["FR", "DE", "CN"],
        "languages": ["nl", "en", "fr"],
        "portfolio": [
            _item(
                "Dewleaf skin-care relaunch",
                "Dewleaf Cosmetics",
                2022,
                "FR",
                ["branding", "graphic-design"],
                ["sustainability-circular"],
                "A new identity and refillable glass jars for the mature-skin care range of a French skin-care brand. "
                "The refill pouches use 70 percent less plastic than the old jars.",
                images=2,
            ),
            _item(
                "Silver Years night cream campaign",
                "Nordlicht Kosmetik",
                2023,
                "DE",
                ["advertising", "branding"],
                [],
                "A launch campaign for an anti-ageing night cream with models over sixty, shot in Berlin and running "
                "in print and on social media in Germany and Austria.",
            ),
            _item(
                "Lotus Care gift sets",
                "Lotus Garden Beauty",
                2024,
                "CN",
                ["graphic-design"],
                [],
                "Limited-edition packaging for the Spring Festival gift sets of a Chinese personal-care brand, "
                "designed and produced in two weeks.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "inkpot-and-ladder",
        "name": "Inkpot & Ladder",
        "kvk": "62597310",
        "city": "Eindhoven",
        "size": SMALL,
        "founded": 2008,
        "pitch": "Packaging and product design for paint, ink and DIY brands.",
        "description": "Inkpot & Ladder designs packaging and tools for paint and DIY brands. Our specialty is "
        "packaging for water-based paints and varnishes: tins and pouches that reseal properly, pour without dripping "
        "and can be recycled. Clients range from family paint makers to DIY chains in Germany and the UK.",
        "disciplines": ["product-design", "graphic-design"],
        "themes": ["sustainability-circular"],
        "targets": ["DE", "BE", "GB"],
        "languages": ["nl", "en", "de"],
        "listed": False,
        "portfolio": [
            _item(
                "Aqualine water-based paint tins",
                "Verfmakerij Van der Staal",
                2020,
                "NL",
                ["product-design", "graphic-design"],
                ["sustainability-circular"],
                "A range of tins for water-based wall paints with a pouring lip, a lid that reseals airtight and "
                "labels that show the colour on a real wall. Returned tins are refilled in the shop.",
                images=2,
            ),
            _item(
                "Pouch & Brush starter kit",
                "HeimWerk DIY Stores",
                2023,
                "DE",
                ["product-design"],
                [],
                "A paint pouch with a built-in tray for small jobs, sold with a brush made from recycled bristles in "
                "140 DIY stores.",
            ),
            _item(
                "Colour card redesign",
                "Brightwall Paints Ltd",
                2024,
                "GB",
                ["graphic-design"],
                [],
                "A redesign of a British paint maker's colour cards; under embargo until the 2026 launch.",
                visibility=PRIVATE,
                images=0,
            ),
        ],
    },
    {
        "slug": "mooring-games",
        "name": "Mooring Games",
        "kvk": "63108264",
        "city": "Utrecht",
        "size": SMALL,
        "founded": 2012,
        "pitch": "Educational games for primary and middle schools, used by teachers in the Netherlands and the United States.",
        "description": "Mooring Games makes curriculum-aligned games for maths, reading and science for children "
        "aged 6 to 14. Teachers get a dashboard that shows where each pupil gets stuck, and every game runs on the old "
        "laptops that classrooms actually have. Our team in Austin supports 1,400 American schools.",
        "disciplines": ["games", "serious-games"],
        "themes": ["education", "inclusion"],
        "targets": ["US", "CN"],
        "presence": ["US"],
        "languages": ["nl", "en"],
        "portfolio": [
            _item(
                "Fraction Harbour",
                "Self-published",
                2018,
                "NL",
                ["games", "serious-games"],
                ["education"],
                "A puzzle game in which pupils load ships by splitting cargo into fractions. Played by 300,000 pupils; "
                "an independent study found a 12 percent gain on fraction tests.",
            ),
            _item(
                "Word Forest",
                "Lone Star Learning Cooperative",
                2022,
                "US",
                ["serious-games"],
                ["education", "inclusion"],
                "A reading game for pupils with dyslexia, with a dyslexia-friendly font, read-aloud and an adjustable "
                "pace. Aligned with Texas reading standards.",
            ),
            _item(
                "Science Lab, pocket edition",
                "Bright Path Education Technology",
                2024,
                "CN",
                ["serious-games", "games"],
                ["education"],
                "A localised science game for Chinese middle schools, developed with a Chinese publisher and now in "
                "classroom trials in Hangzhou.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "pixelbarge-studio",
        "name": "Pixelbarge Studio",
        "kvk": "63751902",
        "city": "Breda",
        "size": MICRO,
        "founded": 2019,
        "pitch": "An independent studio making cosy puzzle games for PC and Nintendo Switch.",
        "description": "Pixelbarge is a team of seven making hand-drawn puzzle and adventure games for the "
        "entertainment market. Our debut, Grandma's Greenhouse, a cosy gardening puzzler, sold 250,000 copies "
        "worldwide. Our next game is set on the canals of an imaginary Dutch town where water levels rise and fall "
        "with every puzzle.",
        "disciplines": ["games", "animation"],
        "themes": [],
        "targets": ["US", "JP", "DE"],
        "languages": ["nl", "en"],
        "listed": False,
        "portfolio": [
            _item(
                "Grandma's Greenhouse",
                "Self-published",
                2021,
                "NL",
                ["games", "animation"],
                [],
                "A cosy puzzle game in which players help a retired botanist rebuild her greenhouse, one plant at a "
                "time. Released on PC and Switch with very positive player reviews.",
            ),
            _item(
                "Canal Days (in development)",
                "Self-published",
                2025,
                "NL",
                ["games"],
                [],
                "An adventure game on the canals of an imaginary town: raise and lower the water with locks to reach "
                "new areas. We are looking for a publisher in Japan.",
                visibility=PRIVATE,
            ),
        ],
    },
    {
        "slug": "northbeam-xr",
        "name": "Northbeam XR",
        "kvk": "64289035",
        "city": "Eindhoven",
        "size": SMALL,
        "founded": 2015,
        "pitch": "Virtual-reality training for firefighters, rail staff and industrial safety teams.",
        "description": "Northbeam XR builds VR and AR training for people who work in dangerous places: firefighters, "
        "railway staff and operators in chemical plants. Trainees practise rare emergencies safely, and instructors get "
        "a replay of every decision. Our Munich office serves German fire brigades and rail operators.",
        "disciplines": ["immersive-xr", "creative-technology"],
        "themes": ["safety", "education"],
        "targets": ["DE", "US"],
        "presence": ["DE"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Smoke Room VR",
                "Brandweeracademie Zuid",
                2020,
                "NL",
                ["immersive-xr"],
                ["safety", "education"],
                "A VR scenario for indoor firefighting in which smoke behaves according to real fire-spread models. "
                "Used at two training centres, where it replaced a third of the live-fire training hours.",
            ),
            _item(
                "Track Safe AR",
                "Regionalbahn Süd Betriebs GmbH",
                2023,
                "DE",
                ["immersive-xr", "creative-technology"],
                ["safety", "mobility"],
                "AR training for track workers that projects approaching trains and warning zones onto the real track "
                "during exercises.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "saltmarsh-photography-collective",
        "name": "Saltmarsh Photography Collective",
        "kvk": "64730461",
        "city": "Groningen",
        "size": MICRO,
        "founded": 2011,
        "pitch": "Documentary and commissioned photography of coasts, rivers and the people who live there.",
        "description": "Saltmarsh is a collective of four photographers documenting life along the North Sea coast, "
        "from Den Helder to Sylt. Besides our own long-term projects we shoot for tourism boards, water authorities and "
        "magazines. Our photographs have been exhibited in Groningen, Hamburg and Aberdeen.",
        "disciplines": ["photography", "content-marketing"],
        "themes": ["water", "culture-tourism"],
        "targets": ["DE", "GB"],
        "languages": ["nl", "en", "de"],
        "listed": False,
        "matching": False,
        "portfolio": [
            _item(
                "High Tide",
                "Self-initiated",
                2019,
                "NL",
                ["photography"],
                ["water", "culture-tourism"],
                "A ten-year series on the villages behind the Wadden Sea dikes, published as a book and shown in three "
                "museums.",
            ),
            _item(
                "North Sea coast campaign",
                "Küstenland Tourismus",
                2022,
                "DE",
                ["photography", "content-marketing"],
                ["culture-tourism"],
                "Campaign photography and short social videos for a German coastal tourism board, shot over four "
                "seasons.",
            ),
        ],
    },
    {
        "slug": "orbit-and-oar",
        "name": "Orbit & Oar Advertising",
        "kvk": "65183507",
        "city": "Amsterdam",
        "size": MEDIUM,
        "founded": 2006,
        "pitch": "A creative agency for public-health and behaviour-change campaigns that people actually remember.",
        "description": "Orbit & Oar is an advertising agency of 85 people with offices in Amsterdam and Chicago. We "
        "create campaigns that change everyday behaviour: taking the stairs, cycling to work, cutting down on sugary "
        "drinks. Every campaign is tested with behavioural scientists before launch and measured afterwards.",
        "disciplines": ["advertising", "content-marketing", "film-video"],
        "themes": ["health-obesity", "mobility"],
        "targets": ["US", "DE", "GB"],
        "presence": ["US"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Take the Stairs Chicago",
                "Lakeshore Public Health Coalition",
                2019,
                "US",
                ["advertising", "content-marketing"],
                ["health-obesity"],
                "Stair risers, station posters and a step-counting app that challenged commuters to take the stairs. "
                "Stair use rose 31 percent at the 20 pilot stations.",
                images=2,
            ),
            _item(
                "Bike to Work Week",
                "Radverband Rhein-Ruhr",
                2022,
                "DE",
                ["advertising", "film-video"],
                ["mobility"],
                "A TV and social campaign in which well-known local chefs cycle to their restaurants. 48,000 people "
                "signed up for the bike-to-work challenge.",
            ),
            _item(
                "Rethink Your Drink",
                "Midwest School Nutrition Network",
                2024,
                "US",
                ["film-video", "content-marketing"],
                ["health-obesity", "education"],
                "A series of short videos made by teenagers about sugary drinks, produced with 12 high schools and "
                "shown in school cafeterias.",
                visibility=LAB,
            ),
        ],
    },
    {
        "slug": "helder-service-lab",
        "name": "Helder Service Lab",
        "kvk": "65620948",
        "city": "Den Haag",
        "size": SMALL,
        "founded": 2013,
        "pitch": "Service designers for public services that work for everyone, including people with low literacy.",
        "description": "Helder designs digital and face-to-face public services with the people who use them, "
        "including residents with low literacy, limited Dutch or little digital experience. We redesign forms, "
        "counters, letters and apps, and train civil servants to keep improving them. Most of our clients are "
        "municipalities and government agencies in the Netherlands, Belgium and Germany.",
        "disciplines": ["service-design", "interaction-design"],
        "themes": ["inclusion", "smart-cities"],
        "targets": ["DE", "BE"],
        "languages": ["nl", "en", "de", "fr"],
        "portfolio": [
            _item(
                "Income support in plain language",
                "Regional Social Services Haaglanden-West",
                2020,
                "NL",
                ["service-design", "interaction-design"],
                ["inclusion"],
                "A rewritten application process for income support: one page instead of eleven, tested with 60 "
                "residents. Errors in applications fell by half.",
            ),
            _item(
                "Resident parking permits",
                "Stedelijk Loket Scheldeland",
                2023,
                "BE",
                ["service-design"],
                ["smart-cities", "mobility"],
                "An online permit service for residents and their carers, linked to the city's camera-based parking "
                "enforcement, that replaced paper permits.",
            ),
        ],
    },
    {
        "slug": "spoke-and-signal",
        "name": "Spoke & Signal",
        "kvk": "66072395",
        "city": "Amsterdam",
        "size": SMALL,
        "founded": 2014,
        "pitch": "Design for cycling cities: smart bike parking, traffic lights that favour cyclists and clear wayfinding.",
        "description": "Spoke & Signal designs products and interfaces for cycling infrastructure: bike parking that "
        "shows free spaces, traffic lights that give cyclists a green wave in the rain, and signs that guide visitors "
        "through busy bike lanes. We work with cities and infrastructure suppliers, and since 2021 also from a small "
        "office in Berlin.",
        "disciplines": ["interaction-design", "product-design", "urban-design"],
        "themes": ["mobility", "smart-cities", "safety"],
        "targets": ["DE", "CN", "US"],
        "presence": ["DE"],
        "languages": ["nl", "en", "de", "zh"],
        "portfolio": [
            _item(
                "Green wave rain mode",
                "Amstelstad Traffic Systems",
                2018,
                "NL",
                ["interaction-design", "product-design"],
                ["mobility", "smart-cities"],
                "Traffic-light software that extends green for cyclists when it rains, with roadside LEDs that show the "
                "advised speed. Piloted on four commuter routes.",
                images=2,
            ),
            _item(
                "Station bike garage",
                "Berliner Radparken GmbH",
                2022,
                "DE",
                ["product-design", "urban-design"],
                ["mobility"],
                "A 3,000-space bike garage at a suburban train station, with occupancy signs for every row and room "
                "for cargo bikes.",
            ),
            _item(
                "Shared bike hubs",
                "Chengdu Green Mobility Co.",
                2024,
                "CN",
                ["urban-design", "interaction-design"],
                ["mobility", "smart-cities"],
                "Design guidelines and a prototype hub for dockless shared bikes around metro stations, to keep "
                "pavements clear.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "quietroom-interiors",
        "name": "Quietroom Interiors",
        "kvk": "66519843",
        "city": "Maastricht",
        "size": MICRO,
        "founded": 2016,
        "pitch": "Calm, sensory-friendly interiors for care homes, clinics and schools.",
        "description": "Quietroom designs interiors for people who are easily overwhelmed: residents with dementia, "
        "autistic children and patients in long-term care. We work with acoustics, daylight, colour and wayfinding, and "
        "we always test a room with its future users before it is built. Our projects are in the Meuse-Rhine region, "
        "across the Dutch, Belgian and German borders.",
        "disciplines": ["interior-design", "architecture"],
        "themes": ["elderly-care", "inclusion"],
        "targets": ["DE", "BE"],
        "languages": ["nl", "en", "de", "fr"],
        "listed": False,
        "portfolio": [
            _item(
                "Garden lounge for residents with dementia",
                "Care home Sint-Servaashof",
                2021,
                "NL",
                ["interior-design"],
                ["elderly-care"],
                "A calm lounge for residents with advanced dementia, with circadian lighting, soft acoustic walls and a "
                "window bench facing the garden. Staff report far less restlessness in the evenings.",
            ),
            _item(
                "Quiet classrooms",
                "Förderzentrum Dreiländereck",
                2023,
                "DE",
                ["interior-design", "architecture"],
                ["inclusion", "education"],
                "Four classrooms for autistic pupils with retreat niches, muted colours and sound-absorbing ceilings.",
            ),
        ],
    },
    {
        "slug": "fernweh-exhibitions",
        "name": "Fernweh Exhibitions",
        "kvk": "67043156",
        "city": "Arnhem",
        "size": SMALL,
        "founded": 2010,
        "pitch": "Exhibitions and visitor experiences about science, energy and heritage.",
        "description": "Fernweh Exhibitions designs and builds exhibitions for science centres, museums and corporate "
        "visitor centres. We combine physical exhibits with projection and VR, and we build in modules so that "
        "exhibitions can travel. Our touring exhibition on the energy transition has been shown in five countries.",
        "disciplines": ["exhibition-design", "events-experience", "immersive-xr"],
        "themes": ["culture-tourism", "energy-transition"],
        "targets": ["DE", "CN"],
        "languages": ["nl", "en", "de", "zh"],
        "portfolio": [
            _item(
                "Power Shift (touring exhibition)",
                "Touring Science Alliance",
                2021,
                "DE",
                ["exhibition-design", "immersive-xr"],
                ["energy-transition", "education"],
                "A 600-square-metre touring exhibition about how a city switches to renewable energy, with a hands-on "
                "grid-balancing game. Shown in Bremen, Ghent, Lyon, Aarhus and Wuhan.",
            ),
            _item(
                "Tea heritage visitor centre",
                "Anhui Tea Heritage Park",
                2023,
                "CN",
                ["exhibition-design", "events-experience"],
                ["culture-tourism"],
                "The permanent exhibition of a tea-heritage visitor centre, with a tasting theatre and projections on a "
                "20-metre model of the tea terraces.",
                visibility=LAB,
                images=0,
            ),
            _item(
                "Forest by Night",
                "Heideland Nature Trust",
                2019,
                "NL",
                ["events-experience"],
                ["culture-tourism"],
                "An evening light trail through a forest with projected animals and sounds, which drew 38,000 visitors "
                "in six weeks.",
                images=0,
            ),
        ],
    },
    {
        "slug": "loomworks-textile-lab",
        "name": "Loomworks Textile Lab",
        "kvk": "67580213",
        "city": "Tilburg",
        "size": MICRO,
        "founded": 2017,
        "pitch": "Smart and circular textiles, from pressure-sensing bed sheets to mono-material upholstery.",
        "description": "Loomworks develops textiles on industrial jacquard looms in Tilburg's former wool district. We "
        "weave sensors into fabric, for example bed sheets that warn carers when a bedridden resident has not moved "
        "for too long, and we develop upholstery made of a single recyclable material. We license our designs to "
        "weaving mills in Germany and Japan.",
        "disciplines": ["textile-design", "product-design"],
        "themes": ["elderly-care", "sustainability-circular"],
        "targets": ["DE", "JP"],
        "languages": ["nl", "en", "de"],
        "matching": False,
        "portfolio": [
            _item(
                "Turnsheet",
                "Zorgcollectief De Hoeve",
                2020,
                "NL",
                ["textile-design", "product-design"],
                ["elderly-care"],
                "A washable bed sheet with woven pressure sensors that alerts carers when a resident needs turning, to "
                "help prevent pressure sores. Tested in three care homes.",
            ),
            _item(
                "Mono upholstery",
                "Sitzwerk Möbel GmbH",
                2023,
                "DE",
                ["textile-design"],
                ["sustainability-circular"],
                "An upholstery fabric woven entirely from recycled polyester, so that chairs can be recycled without "
                "separating fabric from backing.",
            ),
        ],
    },
    {
        "slug": "halfmoon-fashion-house",
        "name": "Halfmoon Fashion House",
        "kvk": "68034697",
        "city": "Amsterdam",
        "size": SMALL,
        "founded": 2009,
        "pitch": "Adaptive fashion: elegant clothing designed for wheelchair users and people with limited hand function.",
        "description": "Halfmoon designs clothing for people who dress seated or with limited hand movement: magnetic "
        "closures, seams that don't press and cuts that look right when sitting. Our collections are sold online in "
        "Europe and the US and through a partner store in Shanghai. Every piece is fitted by a panel of wheelchair "
        "users before it goes into production.",
        "disciplines": ["fashion-design", "branding", "photography"],
        "themes": ["inclusion"],
        "targets": ["CN", "US", "FR"],
        "presence": ["CN"],
        "languages": ["nl", "en", "zh", "fr"],
        "portfolio": [
            _item(
                "Seated Tailoring collection",
                "Own collection",
                2021,
                "NL",
                ["fashion-design", "photography"],
                ["inclusion"],
                "A collection of suits and coats cut for sitting, photographed on models who use wheelchairs and shown "
                "at a fashion week in Amsterdam.",
            ),
            _item(
                "Magnetic closures capsule",
                "Jade River Department Store",
                2023,
                "CN",
                ["fashion-design", "branding"],
                ["inclusion"],
                "A capsule collection and in-store campaign for a Shanghai department store, with fitting rooms "
                "redesigned for wheelchair users.",
            ),
        ],
    },
    {
        "slug": "greenwick-food-design",
        "name": "Greenwick Food Design",
        "kvk": "68501324",
        "city": "'s-Hertogenbosch",
        "size": SMALL,
        "founded": 2012,
        "pitch": "Food designers who make healthy eating the easy choice in canteens, supermarkets and at home.",
        "description": "Greenwick designs food products, school canteens and supermarket layouts that nudge people "
        "towards healthier choices without taking anything away. We work with food scientists to cut sugar and salt, "
        "and with caterers to put vegetables first. Our clients are caterers, retailers and food producers in the "
        "Netherlands and Germany.",
        "disciplines": ["product-design", "service-design"],
        "themes": ["food", "health-obesity"],
        "targets": ["DE", "CN"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Canteen nudge programme",
                "Catering Collectief Zuid",
                2019,
                "NL",
                ["service-design"],
                ["food", "health-obesity"],
                "A redesign of 24 secondary-school canteens: water coolers at the entrance, fruit at the till and "
                "smaller portions of fried snacks. Sales of sugary drinks fell by 38 percent.",
            ),
            _item(
                "Vegetable snack range",
                "Frischhof Feinkost",
                2022,
                "DE",
                ["product-design"],
                ["food", "health-obesity"],
                "A range of vegetable-based snacks for German supermarkets, including the packaging and shelf design.",
            ),
            _item(
                "Portion lunchbox (prototype)",
                "Harvest Moon Foods",
                2024,
                "CN",
                ["product-design"],
                ["food", "health-obesity"],
                "A prototype lunchbox with compartments sized to a child's portions, developed for a Chinese food "
                "producer.",
                visibility=PRIVATE,
                images=0,
            ),
        ],
    },
    {
        "slug": "plotline-data-stories",
        "name": "Plotline Data Stories",
        "kvk": "69027451",
        "city": "Utrecht",
        "size": MICRO,
        "founded": 2018,
        "pitch": "Data journalism and visual stories for newsrooms, NGOs and public-health agencies.",
        "description": "Plotline makes data stories: interactive articles, annual reports and explainer graphics that "
        "turn statistics into something people read to the end. Public-health data is our specialty, from childhood "
        "obesity to air quality. We work for newsrooms, foundations and agencies in Europe and the US.",
        "disciplines": ["data-visualisation", "publishing", "graphic-design"],
        "themes": ["health-obesity", "smart-cities"],
        "targets": ["US", "DE"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "The Weight of a Postcode",
                "Published with a national daily",
                2021,
                "NL",
                ["data-visualisation", "publishing"],
                ["health-obesity"],
                "An interactive story showing how childhood obesity differs between neighbourhoods, and how it relates "
                "to fast-food outlets and playgrounds. Read by 400,000 people.",
            ),
            _item(
                "City Air Atlas",
                "Clear Skies Foundation",
                2023,
                "US",
                ["data-visualisation", "graphic-design"],
                ["smart-cities"],
                "An atlas of air-quality sensor data for 30 American cities, designed for print with an interactive "
                "web version.",
            ),
        ],
    },
    {
        "slug": "kestrel-motion",
        "name": "Kestrel Motion",
        "kvk": "69583012",
        "city": "Hilversum",
        "size": SMALL,
        "founded": 2005,
        "pitch": "Documentary and branded film about water, climate and the energy transition.",
        "description": "Kestrel Motion is a film production company making documentaries and branded films about "
        "climate adaptation, water and energy. Our documentary on the Dutch delta works has been broadcast in twelve "
        "countries. For companies and governments we make films that explain large infrastructure projects to the "
        "people who live next to them.",
        "disciplines": ["film-video", "animation", "content-marketing"],
        "themes": ["water", "energy-transition"],
        "targets": ["US", "CN", "GB"],
        "languages": ["nl", "en"],
        "portfolio": [
            _item(
                "Living Below Sea Level",
                "Delta Docs Coproductions",
                2018,
                "NL",
                ["film-video"],
                ["water"],
                "A 52-minute documentary about the people who operate the Dutch storm-surge barriers, broadcast in "
                "twelve countries.",
            ),
            _item(
                "Offshore Wind, Onshore People",
                "North Sea Wind Partners",
                2022,
                "GB",
                ["film-video", "animation"],
                ["energy-transition"],
                "A series of short films for a wind-farm developer about the fishermen, engineers and villages "
                "affected by a new offshore wind farm.",
            ),
            _item(
                "River Towns",
                "Gulf Coast Resilience Fund",
                2024,
                "US",
                ["content-marketing", "film-video"],
                ["water"],
                "A branded web series about climate adaptation in three small towns on the Gulf Coast.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "brightloop-creative-tech",
        "name": "Brightloop Creative Tech",
        "kvk": "70093576",
        "city": "Eindhoven",
        "size": SMALL,
        "founded": 2011,
        "pitch": "Interactive light, sound and sensor installations for public space and brand experiences.",
        "description": "Brightloop creates interactive installations that react to people, weather and data: light "
        "bridges, kinetic floors that harvest footsteps and facades that show a building's energy use. We design, "
        "engineer and maintain the installations ourselves. Our partner workshop in Shenzhen builds installations for "
        "clients in Asia.",
        "disciplines": ["creative-technology", "interaction-design", "events-experience"],
        "themes": ["smart-cities", "energy-transition"],
        "targets": ["CN", "US"],
        "presence": ["CN"],
        "languages": ["nl", "en", "zh"],
        "portfolio": [
            _item(
                "Footfall Bridge",
                "Stichting Lichtstad Festival",
                2019,
                "NL",
                ["creative-technology", "events-experience"],
                ["energy-transition", "smart-cities"],
                "A footbridge whose lights are powered by kinetic tiles under the walkers' feet. First shown at a light "
                "festival, now a permanent installation.",
            ),
            _item(
                "Breathing Facade",
                "Qianhai Innovation Tower Management",
                2022,
                "CN",
                ["creative-technology", "interaction-design"],
                ["smart-cities", "energy-transition"],
                "A media facade on a Shenzhen office tower that shows the building's energy use and indoor air quality "
                "in real time.",
            ),
            _item(
                "Night Market Lights",
                "Eastbank Downtown Alliance",
                2024,
                "US",
                ["creative-technology"],
                ["smart-cities", "culture-tourism"],
                "Interactive street lighting for a weekly night market that brightens where people gather and dims "
                "over empty lots.",
                visibility=LAB,
            ),
        ],
    },
    {
        "slug": "wayfinder-and-co",
        "name": "Wayfinder & Co",
        "kvk": "70648219",
        "city": "Delft",
        "size": SMALL,
        "founded": 2007,
        "pitch": "Wayfinding and signage for stations, hospitals and campuses that everyone can follow.",
        "description": "Wayfinder & Co designs signage systems and the information around them: maps, pictograms, apps "
        "and the way staff give directions. We test every system with first-time visitors, older people and people "
        "with visual impairments. Our signs guide travellers through 40 Dutch railway stations and several German "
        "hospitals.",
        "disciplines": ["graphic-design", "service-design"],
        "themes": ["mobility", "inclusion"],
        "targets": ["DE", "US"],
        "languages": ["nl", "en", "de"],
        "listed": False,
        "portfolio": [
            _item(
                "Regional station signage",
                "Stationsbeheer Randstad-Zuid",
                2017,
                "NL",
                ["graphic-design"],
                ["mobility", "inclusion"],
                "A signage system for 40 regional stations with high-contrast pictograms, tactile floor lines and "
                "bilingual maps for changing to buses.",
            ),
            _item(
                "Hospital wayfinding",
                "Klinikum Rheinaue",
                2022,
                "DE",
                ["graphic-design", "service-design"],
                ["inclusion", "elderly-care"],
                "Colour-coded routes and simpler room numbers for a 900-bed hospital, which halved the number of lost "
                "visitors at the information desk.",
            ),
        ],
    },
    {
        "slug": "cloudberry-kids-publishing",
        "name": "Cloudberry Kids Publishing",
        "kvk": "71204563",
        "city": "Amersfoort",
        "size": MICRO,
        "founded": 2015,
        "pitch": "Bilingual picture books and reading apps for young children.",
        "description": "Cloudberry publishes bilingual picture books and reading apps for children aged 2 to 8, in "
        "Dutch, English and Mandarin. Our stories are written with speech therapists and feature children from many "
        "backgrounds. A licensing partner in Beijing publishes our titles in China.",
        "disciplines": ["publishing", "animation"],
        "themes": ["education", "inclusion"],
        "targets": ["CN", "US"],
        "presence": ["CN"],
        "languages": ["nl", "en", "zh"],
        "portfolio": [
            _item(
                "Milo and the Moon Boat",
                "Self-published",
                2019,
                "NL",
                ["publishing"],
                ["education"],
                "A series of six bilingual picture books about a boy who sails to the moon, with a read-along app. "
                "120,000 copies sold in four languages.",
            ),
            _item(
                "Panda Reads Along",
                "Starlight Children's Press",
                2023,
                "CN",
                ["publishing", "animation"],
                ["education", "inclusion"],
                "An animated reading app for Chinese kindergartens with English-Mandarin stories and a mode for children "
                "with hearing loss.",
            ),
        ],
    },
    {
        "slug": "echo-chamber-sound",
        "name": "Echo Chamber Sound",
        "kvk": "71758402",
        "city": "Amsterdam",
        "size": MICRO,
        "founded": 2016,
        "pitch": "Sonic branding and sound design for electric vehicles, apps and brands.",
        "description": "Echo Chamber designs sounds that people recognise in half a second: sonic logos, app sounds and "
        "the warning sounds that electric vehicles must make at low speed. Our vehicle sounds are tested with blind "
        "pedestrians, so they are easy to hear without adding to city noise. Clients include scooter makers, car "
        "brands and broadcasters.",
        "disciplines": ["music-audio", "advertising"],
        "themes": ["mobility", "safety"],
        "targets": ["DE", "CN", "JP"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "E-scooter pedestrian warning sound",
                "Voltway Scooters",
                2021,
                "NL",
                ["music-audio"],
                ["mobility", "safety"],
                "A low-speed warning sound for an electric scooter that blind and partially sighted pedestrians hear "
                "at five metres, while staying under city noise limits.",
            ),
            _item(
                "Sonic logo for an online bank",
                "Isar Direktbank",
                2023,
                "DE",
                ["music-audio", "advertising"],
                [],
                "A three-note sonic logo and a library of 40 app sounds for a German online bank.",
            ),
            _item(
                "City car sound",
                "Yangtze Electric Motors",
                2024,
                "CN",
                ["music-audio"],
                ["mobility"],
                "The start-up and warning sounds of a new electric city car, developed with the maker's acoustic "
                "engineers in Hefei.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "bolder-brand-studio",
        "name": "Bolder Brand Studio",
        "kvk": "72310985",
        "city": "Rotterdam",
        "size": SMALL,
        "founded": 2003,
        "pitch": "Brand strategy and campaigns for energy cooperatives, food producers and other challengers.",
        "description": "Bolder builds brands for organisations that want to change their market: local energy "
        "cooperatives, organic food producers and start-ups with a mission. We do strategy, identity and campaigns, "
        "and we stay involved after the launch. Half of our clients are based in Germany and Belgium.",
        "disciplines": ["branding", "advertising"],
        "themes": ["energy-transition", "food"],
        "targets": ["DE", "BE"],
        "languages": ["nl", "en", "de"],
        "listed": False,
        "matching": False,
        "portfolio": [
            _item(
                "Citizens' energy cooperative launch",
                "Bürgerenergie Sonnendorf eG",
                2020,
                "DE",
                ["branding", "advertising"],
                ["energy-transition"],
                "Name, identity and a door-to-door campaign for a citizens' energy cooperative; 1,900 households joined "
                "in the first year.",
            ),
            _item(
                "Polder Pure dairy",
                "Polder Pure Zuivel",
                2022,
                "NL",
                ["branding"],
                ["food"],
                "A new brand for a farmers' cooperative selling organic dairy in supermarkets in the Netherlands and "
                "Belgium.",
            ),
        ],
    },
    {
        "slug": "vantage-event-studio",
        "name": "Vantage Event Studio",
        "kvk": "72867340",
        "city": "Den Haag",
        "size": MEDIUM,
        "founded": 2004,
        "pitch": "Trade-fair pavilions, conferences and brand events for international audiences.",
        "description": "Vantage designs and produces events and pavilions: national pavilions at trade fairs, "
        "conferences and product launches. A team of 60 handles concept, build, logistics and on-site production. We "
        "have built pavilions at fairs in Shanghai, Las Vegas, Hanover and Milan.",
        "disciplines": ["events-experience", "exhibition-design"],
        "themes": ["culture-tourism"],
        "targets": ["CN", "US", "DE"],
        "languages": ["nl", "en", "de", "zh"],
        "portfolio": [
            _item(
                "Dutch pavilion at an industrial fair",
                "Dutch Trade Fair Collective",
                2023,
                "DE",
                ["exhibition-design", "events-experience"],
                [],
                "A 1,200-square-metre pavilion for 40 Dutch exhibitors at an industrial fair in Hanover, built from "
                "rented and reused components.",
            ),
            _item(
                "Water Tech Summit",
                "Global Water Innovators Forum",
                2022,
                "US",
                ["events-experience"],
                ["water"],
                "A three-day summit for 1,500 water-technology professionals in Las Vegas, with an expo and site visits.",
            ),
            _item(
                "Design week pavilion",
                "Orange Design Collective",
                2024,
                "CN",
                ["exhibition-design"],
                ["culture-tourism"],
                "A pavilion presenting 25 Dutch design studios at a design week in Shanghai, with a programme of talks "
                "and matchmaking.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "cradle-circular-products",
        "name": "Cradle Circular Products",
        "kvk": "73421608",
        "city": "Delft",
        "size": MICRO,
        "founded": 2019,
        "pitch": "Product designers of repairable household appliances and low-cost water filters.",
        "description": "Cradle designs products that are made to be repaired, refurbished and finally recycled. Our "
        "modular kettle and toaster can be repaired with a single screwdriver, and our gravity water filter gives "
        "households clean drinking water without electricity. We license our designs to manufacturers in Europe, the "
        "US and China.",
        "disciplines": ["product-design", "creative-technology"],
        "themes": ["sustainability-circular", "water"],
        "targets": ["US", "CN"],
        "languages": ["nl", "en"],
        "listed": False,
        "portfolio": [
            _item(
                "Fixable kettle",
                "Hearth & Home Appliances",
                2021,
                "NL",
                ["product-design"],
                ["sustainability-circular"],
                "A kettle with a replaceable heating element, switch and lid, assembled with one type of screw. Spare "
                "parts are sold online for ten years.",
            ),
            _item(
                "Gravity water filter",
                "ClearDrop Water",
                2023,
                "US",
                ["product-design", "creative-technology"],
                ["water"],
                "A ceramic gravity filter for households whose private wells are contaminated, designed for low-cost "
                "production and field-tested in rural New Mexico.",
            ),
        ],
    },
    {
        "slug": "gullwing-urbanists",
        "name": "Gullwing Urbanists",
        "kvk": "73976251",
        "city": "Amsterdam",
        "size": MEDIUM,
        "founded": 2001,
        "pitch": "Urban designers of new districts, station areas and sponge cities.",
        "description": "Gullwing is an urban-design firm of 55 planners, landscape architects and data analysts. We "
        "design masterplans for new districts and station areas in which walking, cycling and public transport come "
        "first and rainwater stays where it falls. Our Shanghai office has worked on sponge-city projects in eight "
        "Chinese cities.",
        "disciplines": ["urban-design", "landscape-architecture", "data-visualisation"],
        "themes": ["smart-cities", "mobility", "water"],
        "targets": ["CN", "US"],
        "presence": ["CN"],
        "languages": ["nl", "en", "zh"],
        "portfolio": [
            _item(
                "Riverside sponge district",
                "Nanhu New Town Development Co.",
                2020,
                "CN",
                ["urban-design", "landscape-architecture"],
                ["water", "smart-cities"],
                "A masterplan for 14,000 homes in which streets, parks and courtyards together absorb a 50-year "
                "rainstorm. The first phase was completed in 2024.",
                images=2,
            ),
            _item(
                "Car-free station square",
                "Projectbureau Stationskwartier Noord",
                2018,
                "NL",
                ["urban-design"],
                ["mobility"],
                "A car-free station square with 6,000 underground bike spaces and a bus station built into a new park.",
            ),
            _item(
                "Light-rail access study",
                "Pacific Corridor Transit Authority",
                2023,
                "US",
                ["data-visualisation", "urban-design"],
                ["mobility", "smart-cities"],
                "A study of walking and cycling access to 40 stations along a new light-rail line, with an interactive "
                "map for the public consultation.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "spark-and-stitch-content",
        "name": "Spark & Stitch Content",
        "kvk": "74530186",
        "city": "Zwolle",
        "size": MICRO,
        "founded": 2017,
        "pitch": "Stories, photography and video for food producers and sustainable brands.",
        "description": "Spark & Stitch creates content for food producers and sustainable brands: farm stories, recipe "
        "videos, product photography and newsletters. We help small producers show where their food comes from in a "
        "way that sells. Most of our clients are in the Netherlands, Belgium and northern Germany.",
        "disciplines": ["content-marketing", "photography", "film-video"],
        "themes": ["food", "sustainability-circular"],
        "targets": ["DE", "BE"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "From Farm to Fork",
                "Boerderijzuivel IJsseldelta",
                2022,
                "NL",
                ["content-marketing", "film-video"],
                ["food"],
                "Twenty short videos following a year on a family dairy farm, used on social media and in supermarket "
                "displays.",
            ),
            _item(
                "Bread beer launch",
                "Brouwerij Korstwerk",
                2023,
                "BE",
                ["photography", "content-marketing"],
                ["food", "sustainability-circular"],
                "Product photography and a launch campaign for a beer brewed from unsold bread.",
            ),
        ],
    },
    {
        "slug": "letterloft-type-studio",
        "name": "Letterloft Type Studio",
        "kvk": "75084317",
        "city": "Den Haag",
        "size": MICRO,
        "founded": 2012,
        "pitch": "Typefaces for books, signage and readers with dyslexia or low vision.",
        "description": "Letterloft designs typefaces that are easy to read: for schoolbooks, for signs and for readers "
        "with dyslexia or low vision. We test our letters with readers of all ages and publish the research. Our fonts "
        "are licensed by publishers, transport companies and public services in Europe, the US and Japan.",
        "disciplines": ["graphic-design", "publishing"],
        "themes": ["inclusion", "education"],
        "targets": ["DE", "US", "JP"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Clearline Sans",
                "Self-published",
                2019,
                "NL",
                ["graphic-design"],
                ["inclusion", "education"],
                "A typeface family for schoolbooks with clearly distinct letters such as b, d, p and q, tested with 400 "
                "pupils, including children with dyslexia.",
            ),
            _item(
                "Transit typeface",
                "Rhein-Main Transit Signage Office",
                2022,
                "DE",
                ["graphic-design"],
                ["mobility", "inclusion"],
                "A custom typeface for station signs and timetables that stays readable from a distance and in low light.",
            ),
        ],
    },
    {
        "slug": "oak-and-ember-interactive",
        "name": "Oak & Ember Interactive",
        "kvk": "75637920",
        "city": "Groningen",
        "size": MICRO,
        "founded": 2018,
        "pitch": "Interactive table games for people living with dementia and the people who care for them.",
        "description": "Oak & Ember designs interactive games for older people, especially people living with "
        "dementia. Our table games invite residents to play together with carers and family, stimulate memory and "
        "movement and reduce restlessness in the afternoon. The games are used in 300 care homes in the Netherlands "
        "and Germany; our colleague in Bremen supports German customers.",
        "disciplines": ["interaction-design", "serious-games"],
        "themes": ["elderly-care", "inclusion"],
        "targets": ["DE", "CN"],
        "presence": ["DE"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Memory Market",
                "Zorggroep Eemsburg",
                2020,
                "NL",
                ["serious-games", "interaction-design"],
                ["elderly-care"],
                "A table game in which residents shop at a 1960s market, sparking conversations about prices, products "
                "and memories. Used in 300 care homes.",
                images=2,
            ),
            _item(
                "Garden of Memories",
                "Pflegeverbund Weser-Ems",
                2023,
                "DE",
                ["serious-games"],
                ["elderly-care"],
                "A German-language gardening game with regional songs and dialects, designed together with residents "
                "of four care homes.",
            ),
            _item(
                "Steady Steps (pilot)",
                "Golden Years Eldercare Group",
                2025,
                "CN",
                ["interaction-design", "serious-games"],
                ["elderly-care", "health-obesity"],
                "A pilot of a movement game for rehabilitation after a fall, adapted for care homes in Hangzhou.",
                visibility=LAB,
                images=0,
            ),
        ],
    },
    {
        "slug": "harbourlight-architects",
        "name": "Harbourlight Architects",
        "kvk": "76285049",
        "city": "Breda",
        "size": SMALL,
        "founded": 2006,
        "pitch": "Architects of net-zero schools, libraries and community buildings.",
        "description": "Harbourlight designs schools, libraries and community centres that produce as much energy as "
        "they use. We involve pupils, teachers and neighbours from the first sketch, and we design classrooms with "
        "daylight, fresh air and good acoustics. Recent projects include primary schools in the Netherlands, Belgium "
        "and Germany.",
        "disciplines": ["architecture", "interior-design"],
        "themes": ["education", "energy-transition"],
        "targets": ["DE", "BE", "GB"],
        "languages": ["nl", "en", "de"],
        "portfolio": [
            _item(
                "Energy-positive primary school",
                "Baronie Schools Foundation",
                2020,
                "NL",
                ["architecture", "interior-design"],
                ["education", "energy-transition"],
                "A primary school for 400 pupils with a timber frame, a solar roof and a heat pump, which produces more "
                "energy than it uses.",
            ),
            _item(
                "Market hall library",
                "Kulturstiftung Niederrhein-West",
                2023,
                "DE",
                ["architecture"],
                ["education", "culture-tourism"],
                "A library and community centre in a converted market hall, with a reading garden on the roof.",
            ),
        ],
    },
]


def seed_companies() -> list[tuple[str, str]]:
    """Create the demo companies, their portfolios and member logins; returns (role, e-mail) per login."""
    from labs.models import Theme

    logins = []
    disciplines = {discipline.slug: discipline for discipline in Discipline.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in COMPANIES:
        company, _ = Company.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kvk_number": spec["kvk"],
                "city": spec["city"],
                "size": spec["size"],
                "founded_year": spec["founded"],
                "website": spec.get("website", f"https://{spec['slug']}.example"),
                "pitch": spec["pitch"],
                "description": spec["description"],
                "target_countries": spec["targets"],
                "presence_countries": spec.get("presence", []),
                "languages": spec.get("languages", []),
                "is_listed": spec.get("listed", True),
                "open_to_matching": spec.get("matching", True),
            },
        )
        company.disciplines.set([disciplines[slug] for slug in spec["disciplines"]])
        company.themes.set([themes[slug] for slug in spec["themes"]])
        _seed_portfolio(company, spec, disciplines, themes)
        people = []
        if "owner" in spec:
            people.append((spec["owner"], Membership.Role.OWNER))
        people += [(member, Membership.Role.MEMBER) for member in spec.get("members", [])]
        for (email, name, language), role in people:
            user = demo_user(email, name, language=language)
            Membership.objects.update_or_create(user=user, defaults={"company": company, "role": role})
            logins.append((f"SME {role}, {company.name}", email))
    return logins


def _seed_portfolio(company: Company, spec: dict, disciplines: dict, themes: dict) -> None:
    """Create or refresh the items, matched on title; placeholder images only for items without files."""
    existing = {item.title: item for item in company.portfolio.all()}
    for entry in spec.get("portfolio", []):
        data = {
            "title": entry["title"],
            "client": entry["client"],
            "year": entry["year"],
            "country": entry["country"],
            "description": entry["description"],
            "visibility": entry["visibility"],
            "disciplines": [disciplines[slug] for slug in entry["disciplines"]],
            "themes": [themes[slug] for slug in entry["themes"]],
        }
        item = existing.get(entry["title"])
        if item is None:
            item = portfolio_item_create(company=company, data=data)
        else:
            item = portfolio_item_update(item=item, data=data)
        if entry["images"] and not item.files.exists():
            for index in range(entry["images"]):
                portfolio_file_add(
                    item=item, upload=placeholder_image(f"{company.slug}/{item.title}", item.title, index)
                )


@functools.cache
def _fonts() -> tuple[ImageFont.ImageFont, ImageFont.ImageFont]:
    return ImageFont.load_default(size=26), ImageFont.load_default(size=15)


def placeholder_image(seed: str, title: str, index: int = 0) -> SimpleUploadedFile:
    """A 640×400 placeholder with colours and shapes derived from `seed`; a JPEG first, then a PNG."""
    digest = hashlib.sha256(f"{seed}#{index}".encode()).digest()
    hue = digest[0] / 255

    def colour(hue_shift: float, lightness: float, saturation: float) -> tuple[int, int, int]:
        red, green, blue = colorsys.hls_to_rgb((hue + hue_shift) % 1, lightness, saturation)
        return round(red * 255), round(green * 255), round(blue * 255)

    width, height = PLACEHOLDER_SIZE
    image = Image.new("RGB", PLACEHOLDER_SIZE, colour(0, 0.55, 0.45))
    draw = ImageDraw.Draw(image)
    for shape in range(5):
        x, y = digest[2 + shape * 3] / 255 * width, digest[3 + shape * 3] / 255 * (height - 90)
        radius = 30 + digest[4 + shape * 3] % 110
        fill = colour(0.08 * (shape + 1), 0.35 + 0.08 * shape, 0.5)
        box = (x - radius, y - radius, x + radius, y + radius)
        if digest[20 + shape] % 2:
            draw.ellipse(box, fill=fill)
        else:
            draw.rectangle(box, fill=fill)
    draw.rectangle((0, height - 90, width, height), fill=(250, 250, 247))
    title_font, note_font = _fonts()
    label = title if len(title) <= 42 else title[:41] + "…"
    draw.text((24, height - 78), label, fill=colour(0, 0.25, 0.5), font=title_font)
    draw.text((24, height - 36), "Placeholder image · Creative Labs demo", fill=(110, 110, 110), font=note_font)

    buffer = io.BytesIO()
    if index % 2 == 0:
        image.save(buffer, "JPEG", quality=85)
        name, content_type = f"placeholder-{index + 1}.jpg", "image/jpeg"
    else:
        image.save(buffer, "PNG")
        name, content_type = f"placeholder-{index + 1}.png", "image/png"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
