"""The synthetic demo programme that `manage.py seed_demo` builds.

Nothing here is about a real person: names are random combinations from the lists
below, areas, schools and homes are fictional, e-mail addresses use example.org and
.test, and phone numbers come from the range Ofcom keeps for drama (07700 900xxx).

Bulk rows are written in batches with demo.scale.insert_rows (COPY on PostgreSQL),
because the per-row services would take hours at 100,000 nominations. The rows are the ones
the services would write: match keys, look-alike flags, references from the programme's sequence and a history
row for every step, so the demo behaves like real intake.

Consent comes before the safeguarding check and the check honours it, as
nominations.services requires: a name is read out, or a photograph taken, only with
consent to it given and current; a refusal to be nominated withdraws the nominations.

Shortlisting goes through shortlisting.services (panels, members, conflict detection,
assignment, reviews), except that above SERVICE_REVIEWS_UP_TO nominations every panel
reviews with K members and reviews and scores are bulk-created with the same rules.
"""

import math
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from awards.enums import Cohort, NomineeKind, ProgrammeStatus, Role
from awards.models import Category, Criterion, Programme, ProgrammeRole
from nominations.enums import (
    ConsentGiver,
    ConsentPurpose,
    NominationStatus,
    PersonKind,
    PublicityLevel,
    Relationship,
    Source,
)
from nominations.matching import alias_key, match_key
from nominations.models import (
    Consent,
    Nomination,
    NominationHistory,
    NominationSequence,
    Nominee,
    NomineeGroup,
    NomineeHistory,
)
from nominations.services import PersonInput, age_on, eligibility_problems
from shortlisting.enums import AssignmentStrategy, PanelRole, ReviewStatus
from shortlisting.models import Assignment, Review, Score
from shortlisting.services import assignment_run, panel_create, panel_member_add, review_save

from .event import seed_event
from .scale import copy_rows, insert_dicts, insert_rows, seed_event_at_scale, set_column

DEFAULT_NOMINATIONS = 270
DEFAULT_SEED = 2026
BATCH_SIZE = 2000

PROGRAMME_SLUG, PROGRAMME_PREFIX = "proud-2026", "PROUD26"
LAST_YEAR_SLUG, LAST_YEAR_PREFIX = "proud-2025", "PROUD25"

# (username, first name, last name, what the account is for)
DEMO_ACCOUNTS = (
    ("organiser", "Morgan", "Ellis", "organiser of PROUD Awards 2026 and 2025, and the Django admin"),
    ("staff", "Jordan", "Reeve", "social-care staff with young people allocated to them"),
    ("panel", "Pat", "Okoro", "member of the Young people's and Community panels, with nominations left to score"),
    ("chair", "Chris", "Hale", "chair of the Young people's panel: its ranking and shortlists"),
    ("youngpanel", "Riley", "Mensah", "care-experienced young member of the Young people's panel (conflicts found)"),
    ("door", "Dee", "Walsh", "event staff for the night"),
)
# The apps whose admin pages the organiser account may use.
ORGANISER_ADMIN_APPS = ("awards", "nominations", "shortlisting")
STAFF_CASELOAD = 20

AREAS = ("North", "South", "East", "West", "City", "Coastal", "Valley", "Moorland")

YOUNG_FIRST_NAMES = (
    "Aaliyah", "Abena", "Adaeze", "Aiyana", "Alexandra", "Amara", "Amelia", "Aoife", "Arjun", "Ava",
    "Ayesha", "Bilal", "Blessing", "Brooke", "Callum", "Casey", "Cerys", "Charlie", "Chiamaka", "Chidi",
    "Chloé", "Ciarán", "Connor", "Dakota", "Darnell", "Dawid", "Destiny", "Dylan", "Efua", "Eilidh",
    "Élodie", "Elizabeth", "Ella", "Ellis", "Evie", "Fatima", "Ffion", "Finley", "Frankie", "Frederick",
    "Freya", "George", "Gethin", "Grace", "Hamza", "Harley", "Harpreet", "Harry", "Ibrahim", "Imran",
    "Inés", "Isabella", "Isla", "Jack", "Jade", "Jakub", "Jamal", "Jamie", "Jasleen", "Jayden",
    "Joaquín", "Jonathan", "Jordan", "Kacper", "Kai", "Kayden", "Kayla", "Kian", "Kofi", "Kwame",
    "Leah", "Leilani", "Lena", "Leo", "Lily", "Logan", "Lucía", "Maisie", "Marcus", "Maryam",
    "Mason", "Mateo", "Mia", "Minh", "Mohammed", "Morgan", "Musa", "Nevaeh", "Niamh", "Nkechi",
    "Noah", "Noé", "Oliver", "Oliwia", "Oluwaseun", "Oluwatobi", "Omar", "Oscar", "Poppy", "Precious",
    "Priya", "Reggie", "Renée", "Rhys", "Riley", "Robin", "Ronnie", "Ruby", "Saoirse", "Seán",
    "Shanice", "Shannon", "Sipho", "Skye", "Summer", "Tegan", "Thanh", "Themba", "Theodore", "Tia",
    "Tomás", "Tommy", "Tyler", "Tyrese", "Wei", "Xiaoling", "Yusuf", "Zainab", "Zanele", "Zoë",
    "Zuzanna",
)
ADULT_FIRST_NAMES = (
    "Adebayo", "Agnieszka", "Aled", "Ana", "Angela", "Anjali", "Asif", "Beatriz", "Bernadette", "Bethan",
    "Carmen", "Chinedu", "Claire", "Craig", "Darren", "David", "Declan", "Deepak", "Dimitra", "Donna",
    "Elif", "Emma", "Ewa", "Folake", "Funmilayo", "Gary", "Gemma", "Graham", "Gurpreet", "Helen",
    "Hui", "Ian", "Isabel", "João", "Joanne", "Joy", "Julie", "Katarzyna", "Kwabena", "Lee",
    "Lisa", "Manjit", "Marek", "Mark", "Martin", "Mehmet", "Mei", "Michelle", "Nasreen", "Neil",
    "Nicola", "Patience", "Paul", "Piotr", "Rachel", "Rajesh", "Rhian", "Richard", "Rukhsana", "Sarah",
    "Shabana", "Sharon", "Simon", "Steven", "Sunita", "Tariq", "Tomasz", "Tracey", "Wayne", "Yiannis",
)
LAST_NAMES = (
    "Adeyemi", "Ahmed", "Akhtar", "Ali", "Andersson", "Armstrong", "Atkinson", "Baker", "Barker", "Begum",
    "Bennett", "Boateng", "Brown", "Byrne", "Carter", "Chaudhry", "Chen", "Clarke", "Cooper", "Costa",
    "Davies", "de Vries", "Demir", "Dixon", "Doherty", "Esposito", "Evans", "Fernández", "Fischer", "Fletcher",
    "García", "Gill", "Green", "Hall", "Harris", "Hill", "Horvat", "Huang", "Hughes", "Hussain",
    "Ionescu", "Jackson", "Jansen", "Johnson", "Jones", "Kaur", "Kaya", "Kelly", "Khan", "King",
    "Kowalski", "Lam", "Larsen", "Lewis", "Li", "Liu", "López", "MacLeod", "Mansour", "Martin",
    "McCarthy", "Mensah", "Mitchell", "Moore", "Müller", "Murphy", "Nguyen", "Nilsson", "Novak", "Nowak",
    "Nwosu", "O'Connor", "O'Sullivan", "Okafor", "Parker", "Patel", "Pereira", "Popescu", "Price", "Robinson",
    "Rossi", "Russo", "Saleh", "Sandhu", "Santos", "Schmidt", "Shah", "Shaw", "Silva", "Singh",
    "Smith", "Taylor", "Thompson", "Tran", "Turner", "Walker", "Wang", "Ward", "White", "Williams",
    "Wilson", "Wong", "Wood", "Wright", "Yılmaz", "Zhang", "Zieliński",
)
NICKNAMES = {
    "Alexandra": "Sasha", "Chiamaka": "Chi", "Elizabeth": "Libby", "Frederick": "Freddie", "Isabella": "Izzy",
    "Jonathan": "Jonny", "Mohammed": "Mo", "Oliver": "Ollie", "Oluwaseun": "Seun", "Oluwatobi": "Tobi",
    "Theodore": "Theo", "Zuzanna": "Zuza",
}
# Names some young people choose for themselves, whatever their legal name.
CHOSEN_NAMES = ("Ash", "Eli", "Jay", "Kit", "River", "Rowan", "Sky")
PRONUNCIATIONS = {
    "Adaeze": "ah-DAY-zeh", "Aiyana": "eye-YAH-nah", "Aoife": "EE-fa", "Chiamaka": "chee-AH-mah-kah",
    "Ciarán": "KEER-awn", "Efua": "EH-fwah", "Eilidh": "AY-lee", "Ffion": "FEE-on", "Gethin": "GETH-in",
    "Joaquín": "wah-KEEN", "Leilani": "lay-LAH-nee", "Niamh": "NEEV", "Nkechi": "en-KAY-chee",
    "Oluwaseun": "oh-loo-wah-SHAY-oon", "Oluwatobi": "oh-loo-wah-TOH-bee", "Saoirse": "SEER-sha",
    "Seán": "SHAWN", "Thanh": "TAN", "Themba": "TEM-bah", "Xiaoling": "shyow-LING", "Zuzanna": "zoo-ZAH-nah",
}
# Ages 5 to 25 on the reference date: most nominees are in their teens.
AGE_WEIGHTS = dict(zip(range(5, 26), (2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 9, 9, 8, 7, 6, 5, 4, 3, 2, 2)))

# The deliberate duplicates, as nominators really type them, and a right-to-left name:
# (legal first, legal last, preferred, pronunciation, date of birth, cohort, the first name each nominator used).
FEATURED_PEOPLE = (
    # Nominators wrote Alfie and Alfred: one nominee record (already merged), two nominations.
    ("Alfred", "Whitlock", "Alfie", "", date(2013, 2, 9), Cohort.CHILD_IN_CARE, ("Alfie", "Alfred")),
    ("Zoë", "Okafor-Hughes", "", "ZOH-ee", date(2009, 6, 21), Cohort.CHILD_IN_CARE, ("Zoë", "Zoe")),
    # A mistyped year of birth and a misspelt first name: separate records flagged as look-alikes.
    ("Siobhán", "Byrne", "", "shiv-AWN", date(2009, 3, 14), Cohort.CHILD_IN_CARE, ("Siobhán",)),
    ("Siobhan", "Byrne", "", "", date(2010, 3, 14), Cohort.CHILD_IN_CARE, ("Siobhan",)),
    ("Mateusz", "Nowak", "", "mah-TEH-oosh", date(2011, 11, 2), Cohort.CHILD_IN_CARE, ("Mateusz",)),
    ("Mateus", "Nowak", "", "", date(2011, 11, 2), Cohort.CHILD_IN_CARE, ("Mateus",)),
    ("ليلى", "حداد", "Layla", "LAY-la ha-DAD", date(2006, 5, 30), Cohort.CARE_LEAVER, ("Layla",)),
)
FEATURED_NOMINATIONS = sum(len(person[-1]) for person in FEATURED_PEOPLE)

# Shares of the nominations, and how many nominees they come to.
GROUP_SHARE = 0.03
ADULT_SHARE = 0.06
NOMINEES_PER_NOMINATION = 0.78
# Drafts and withdrawals happen at any time; the organiser has checked the eligibility of
# most early nominations and few recent ones (about half end up eligible, 7% not).
DRAFT_SHARE = 0.03
WITHDRAWN_SHARE = 0.04
ELIGIBLE_SHARE_OF_CHECKED = 0.88
# Young people who said no to being nominated: their nominations are withdrawn.
NOMINATION_REFUSED_SHARE = 0.03
CONSENT_REFUSED_REASON = "Consent to being nominated was refused or withdrawn."
SOURCE_WEIGHTS = {Source.FORM: 85, Source.IMPORT: 10, Source.API: 5}
PUBLICITY_WEIGHTS = {
    PublicityLevel.FULL_NAME: 35,
    PublicityLevel.FIRST_NAME_INITIAL: 30,
    PublicityLevel.FIRST_NAME: 20,
    PublicityLevel.ANONYMOUS: 15,
}
RELATIONSHIP_WEIGHTS = {
    Relationship.FOSTER_CARER: 30,
    Relationship.SOCIAL_WORKER: 20,
    Relationship.RESIDENTIAL_WORKER: 15,
    Relationship.TEACHER: 15,
    Relationship.PERSONAL_ADVISER: 10,
    Relationship.OTHER: 10,
}
ORGANISATIONS = {
    Relationship.FOSTER_CARER: ("County Fostering Service", "Brightwater Fostering", ""),
    Relationship.RESIDENTIAL_WORKER: ("Willow House children's home", "Oak Lodge", "The Beeches"),
    Relationship.SOCIAL_WORKER: ("Children's social care",),
    Relationship.PERSONAL_ADVISER: ("Leaving care service",),
    Relationship.TEACHER: (
        "Valley Academy", "Northfield High School", "Riverside Primary School", "Virtual School", "Coastal College",
    ),
    Relationship.OTHER: ("Youth club", "Independent visitor scheme", "Boxing club", ""),
    Relationship.PEER: ("Children in Care Council", "Care Leavers Forum", ""),
}
EMAIL_DOMAINS = {
    Relationship.SOCIAL_WORKER: "county.example.org",
    Relationship.PERSONAL_ADVISER: "county.example.org",
    Relationship.TEACHER: "school.test",
    Relationship.RESIDENTIAL_WORKER: "homes.test",
}
GROUP_PROJECTS = (
    "Children in Care Council", "Care Leavers Forum", "Youth Voice Film Crew", "Garden Project", "Drama Group",
    "Young Inspectors", "Cooking Club", "Fun Day Team", "Podcast Team", "Welcome Pack Team",
)


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str
    criteria: tuple[tuple[str, str, int], ...]
    theme: str = ""
    popularity: int = 10  # relative share of the individual nominations it gets
    nominee_kind: str = NomineeKind.INDIVIDUAL
    cohort: str = Cohort.ANY
    min_age: int | None = None
    max_age: int | None = None
    max_finalists: int = 5


# (criterion, guidance for panels, weight)
RUBRIC = (
    ("Impact", "The difference it has made to the young person or to others, measured from where they started.", 2),
    ("Effort and determination", "What it took: setbacks overcome, persistence, the courage to try something new.", 1),
    ("Inspiring others", "Whether it would encourage other young people in care or leaving care, or already has.", 1),
)
PROUD_PLUS_RUBRIC = (
    ("Difference to young people's lives", "What changed for the young person because of this carer or worker.", 2),
    ("Going above and beyond", "What they did that nobody asked them to.", 1),
    ("Listening to young people", "How they made the young person feel heard and in charge of their own life.", 1),
)

CATEGORIES_2026 = (
    CategorySpec(
        "positive-choices-under-11", "Positive Choices: under 11s",
        "For a child who has made good choices for themselves: settling into a new home or school, "
        "managing big feelings, making friends or trying something new.",
        RUBRIC, theme="choices", popularity=8, cohort=Cohort.CHILD_IN_CARE, max_age=10,
    ),
    CategorySpec(
        "positive-choices-11-15", "Positive Choices: 11 to 15",
        "For a young person who has turned things around or kept going when it was hard: going to school, "
        "staying safe, building good relationships, asking for help.",
        RUBRIC, theme="choices", popularity=14, cohort=Cohort.CHILD_IN_CARE, min_age=11, max_age=15,
    ),
    CategorySpec(
        "positive-choices-16-25", "Positive Choices: 16 to 25",
        "For a young person or care leaver who has made choices that changed their life for the better: "
        "moving on, staying in work or education, leaving behind what held them back.",
        RUBRIC, theme="choices", popularity=12, min_age=16, max_age=25,
    ),
    CategorySpec(
        "achievement-in-education", "Achievement in Education",
        "Progress at school, college, university, in training or an apprenticeship, measured from where "
        "the young person started, not by grades alone.",
        RUBRIC + (("Progress from their starting point", "How far they have come, whatever the level.", 1),),
        theme="education", popularity=14, max_finalists=6,
    ),
    CategorySpec(
        "responding-to-the-needs-of-others", "Responding to the Needs of Others",
        "For a young person who looks out for others: caring for brothers and sisters, supporting a friend, "
        "helping a new arrival settle in.",
        RUBRIC, theme="others", popularity=9,
    ),
    CategorySpec(
        "outstanding-service-to-the-community", "Outstanding Service to the Community",
        "Volunteering, fundraising, speaking up for children in care, or work with the Children in Care "
        "Council or the Care Leavers Forum that has made a difference to others.",
        RUBRIC + (("Benefit to others", "Who gained from it, and how much.", 1),),
        theme="community", popularity=8,
    ),
    CategorySpec(
        "talent", "Talent (arts, sport and music)",
        "For a young person who has shown real commitment to a talent: art, drama, dance, writing, music or sport.",
        RUBRIC + (("Commitment", "Practice, training and showing up, week after week.", 1),),
        theme="talent", popularity=10, max_finalists=6,
    ),
    CategorySpec(
        "inspiration-award", "Inspiration Award",
        "For a care leaver whose journey inspires others: into independence, work, study or parenthood, "
        "or giving back to young people still in care.",
        RUBRIC, theme="inspiration", popularity=6, cohort=Cohort.CARE_LEAVER, min_age=18, max_age=25,
    ),
    CategorySpec(
        "team-effort", "Team Effort",
        "For a group of young people who achieved something together: a project, an event, a campaign or a performance.",
        RUBRIC + (("Working together", "How the group shared the work and supported each other.", 1),),
        theme="team", nominee_kind=NomineeKind.GROUP, max_finalists=4,
    ),
    CategorySpec(
        "proud-plus", "PROUD+",
        "Young people nominate a foster carer, residential worker, social worker, personal adviser or anyone "
        "else in their care community who has made a difference to them.",
        PROUD_PLUS_RUBRIC, theme="adult", nominee_kind=NomineeKind.ADULT,
    ),
)
# Last year used different names, so its categories can be copied into this year's programme.
CATEGORIES_2025 = (
    CategorySpec("positive-contribution", "Positive Contribution",
                 "For a young person who has made a positive contribution at home, at school or in the community.",
                 RUBRIC),
    CategorySpec("achievement-in-learning", "Achievement in Learning",
                 "Progress in learning of any kind, measured from where the young person started.", RUBRIC),
    CategorySpec("young-volunteer", "Young Volunteer of the Year",
                 "For a young person who gives their time to help others.", RUBRIC),
    CategorySpec("creative-talent", "Creative Talent",
                 "Art, music, drama, dance or writing.", RUBRIC),
    CategorySpec("carer-of-the-year", "Carer of the Year",
                 "Young people nominate a carer who has made a difference to them.", PROUD_PLUS_RUBRIC,
                 nominee_kind=NomineeKind.ADULT),
)

# Statement sentences; {name} is the name the nominator used, and the young person is "they".
ACHIEVEMENTS = {
    "choices": (
        "{name} moved to a new foster home this year and, after a hard start, has settled in and made real friends.",
        "{name} used to find mornings very difficult; now they are up, ready and at school on time almost every day.",
        "When things go wrong, {name} has learned to say how they feel and ask for help instead of running off.",
        "{name} has kept away from people who were not good for them, even when that meant spending weekends alone.",
        "{name} joined a youth club on their own, has gone every week, and now helps to set up.",
        "{name} has started cooking tea for the household once a week and is rightly proud of it.",
    ),
    "education": (
        "{name} went from missing most of Year 9 to full attendance this year.",
        "{name} passed GCSE English and maths at the second attempt, after months of evening revision.",
        "{name} finished the first year of a motor vehicle course at college with a distinction.",
        "{name} started an apprenticeship with a local employer and has not missed a day.",
        "{name} learned to read confidently this year and now reads to the younger children in the house.",
        "{name} is in the second year of a nursing degree while working part time.",
    ),
    "others": (
        "{name} looks after their younger brothers and sisters at family time and makes sure everyone feels included.",
        "When a new young person arrived at the home, {name} showed them round and sat with them at meals "
        "until they felt settled.",
        "{name} noticed that a friend was struggling and helped them talk to an adult they trust.",
        "{name} helps another young person who is learning English, translating for them at appointments.",
    ),
    "community": (
        "{name} has been on the Children in Care Council for two years and helped rewrite the welcome pack "
        "for new children in care.",
        "{name} organised a sponsored walk that raised money for the local food bank.",
        "{name} volunteers every Saturday morning at the animal sanctuary.",
        "{name} told councillors what it is like to move placement, and their ideas changed how moves are planned.",
        "{name} sat on the young people's interview panel for new social workers.",
    ),
    "talent": (
        "{name} plays drums in a band and performed at the summer festival in front of hundreds of people.",
        "{name} was picked for the county under-16 football squad.",
        "{name} has drawn every day this year and had two pieces chosen for an exhibition of young people's art.",
        "{name} passed their Grade 5 piano exam with merit.",
        "{name} won a regional boxing title after a year of early-morning training.",
        "{name} writes poetry and read one of their poems aloud at the Care Day celebration.",
    ),
    "inspiration": (
        "{name} left care last year, set up their first flat and now mentors younger care leavers moving on.",
        "{name} became a parent this year and has made a safe, loving home for their baby.",
        "{name} went back into education at 21 and has a place to study social work.",
        "{name} found full-time work after a long time out of a job and has just been promoted.",
        "{name} tells their story at training for new foster carers so that they understand care from the inside.",
    ),
    "team": (
        "{name} planned and ran a summer fun day for younger children in care.",
        "{name} made a short film about moving placement that is now shown at foster carer training.",
        "{name} designed and built a garden at the children's home with help from a local charity.",
        "{name} wrote and performed a play about their experience of care.",
    ),
    "adult": (
        "{name} never gave up on me, even when I was really hard to be around.",
        "{name} drove me to every football match and stood on the touchline in the rain.",
        "{name} helped me set up my first flat and still texts me to check I'm okay.",
        "{name} listened to what I wanted and fought for me to stay at my school.",
        "{name} taught me to cook and sat up with me when I couldn't sleep.",
    ),
}
WHY_IT_MATTERS = {
    "young": (
        "{name} has had a lot of change in a short time and still keeps going.",
        "Being recognised would show {name} how far they have come; they do not always see it themselves.",
        "People have given up on {name} before. This year they showed what they can do.",
        "Everyone around {name} has noticed the difference, and they deserve to hear it.",
        "It would mean a great deal to {name}'s brothers and sisters to see this celebrated.",
    ),
    "team": (
        "Every member of the group brought something, and they kept each other going.",
        "It showed other young people in care that their voices are heard.",
    ),
    "adult": (
        "I want {name} to know how much it meant. Not every young person has someone like this.",
        "I don't think I would be where I am now without {name}.",
    ),
}
ANYTHING_ELSE = (
    "{name} does not know about this nomination yet.",
    "{name} is shy in big groups but would love to come on the night.",
    "{name} would love to bring their foster carers to the celebration.",
    "Please talk to me before contacting {name}; there is a lot going on at home.",
)
INELIGIBLE_REASONS = (
    "Not looked after by the county and not one of its care leavers.",
    "The nominator has not known the young person in the last 12 months.",
    "Won in this category last year for the same achievement.",
)
WITHDRAWN_REASONS = (
    "The young person asked not to be nominated this year.",
    "Sent twice by mistake.",
    "The placement has ended; the new carers will nominate next year.",
)
SAFEGUARDING_NOTES = (
    "Prefers not to be photographed from the front.",
    "Needs a quiet space to go to during the evening.",
    "Will come with a support worker.",
)
UNSAFE_NOTES = (
    "Attending could bring them into contact with someone who must not know where they live.",
    "Placement address must not be shared; a public event is not safe at present.",
)


# Panel members besides the demo accounts, with the demo password: (username, first name, last name).
PANEL_MEMBER_ACCOUNTS = (
    ("panel.member1", "Tayo", "Bennett"),  # a young person from the Care Leavers Forum
    ("panel.member2", "Helen", "Kowalski"),
    ("panel.member3", "Deepak", "Shaw"),
    ("panel.member4", "Rhian", "Price"),
    ("panel.member5", "Marek", "Doherty"),
    ("panel.member6", "Folake", "Turner"),
    ("panel.member7", "Graham", "Li"),
    ("panel.member8", "Sunita", "Wright"),
)


@dataclass(frozen=True)
class PanelSpec:
    name: str
    categories: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (username, panel role)
    strategy: str = AssignmentStrategy.EVERYONE
    reviewers_per_nomination: int = 3


# Between them the panels cover every 2026 category, each exactly once.
PANELS = (
    PanelSpec(
        "Young people's panel",
        ("positive-choices-11-15", "positive-choices-16-25", "inspiration-award", "proud-plus"),
        (("chair", PanelRole.CHAIR), ("panel", PanelRole.MEMBER), ("youngpanel", PanelRole.MEMBER),
         ("panel.member1", PanelRole.MEMBER)),
    ),
    PanelSpec(
        "Achievement panel",
        ("positive-choices-under-11", "achievement-in-education", "talent"),
        (("panel.member2", PanelRole.CHAIR), ("panel.member3", PanelRole.MEMBER), ("panel.member4", PanelRole.MEMBER),
         ("panel.member5", PanelRole.MEMBER), ("panel.member6", PanelRole.MEMBER), ("panel.member7", PanelRole.MEMBER)),
        strategy=AssignmentStrategy.K_REVIEWERS, reviewers_per_nomination=3,
    ),
    PanelSpec(
        "Community panel",
        ("responding-to-the-needs-of-others", "outstanding-service-to-the-community", "team-effort"),
        (("panel.member8", PanelRole.CHAIR), ("panel", PanelRole.MEMBER), ("panel.member3", PanelRole.MEMBER),
         ("panel.member1", PanelRole.MEMBER)),
    ),
)
# From the Children in Care Council or the Care Leavers Forum: care-experienced young members.
YOUNG_PANEL_MEMBERS = ("youngpanel", "panel.member1")
# Scoring habits, so normalisation visibly reorders: (points added, stretch around the middle,
# share of assignments scored). Other members get random habits.
SCORING_HABITS = {
    "chair": (0.9, 0.6, 0.8),  # generous, and keeps to the top of the scale
    "panel": (-0.8, 1.3, 0.35),  # strict, uses the whole scale, and has plenty left to do
    "youngpanel": (0.3, 1.5, 0.5),
}
SUBMITTED_SHARE_OF_SCORED = 0.8
REVIEW_COMMENTS = (
    "Strong evidence of progress from a difficult starting point.",
    "The statement is short; I would like to hear more about the impact.",
    "Real determination here.",
    "Would be an inspiring finalist.",
    "Hard to compare with the others: a different kind of achievement.",
)
PANEL_DEADLINE_AFTER_CLOSE = timedelta(weeks=2)
# Up to this many nominations reviews go through shortlisting.services.review_save; above it
# every panel reviews with K members and reviews and scores are bulk-created.
SERVICE_REVIEWS_UP_TO = 1000


class DemoExists(Exception):
    """The demo programme is already in the database."""


@dataclass(frozen=True)
class DemoSummary:
    programme: Programme
    nominations: int
    nominees: int
    groups: int
    panels: int = 0
    assignments: int = 0
    reviews_submitted: int = 0
    reviews_draft: int = 0
    event: object = None  # demo.event.EventSummary, when the event was seeded


@dataclass(frozen=True, slots=True)
class _Nominator:
    name: str
    email: str
    relationship: str
    organisation: str
    phone: str
    user: object = None


@dataclass(frozen=True, slots=True)
class _Person:
    """What later steps need of an inserted nominee, without keeping the model instance."""

    pk: int
    match_key: str
    name: str
    age: int | None = None
    cohort: str = ""
    staff_allocated: bool = False


Progress = Callable[[str, int, int], None]


def demo_exists() -> bool:
    return Programme.objects.filter(
        Q(slug__in=[PROGRAMME_SLUG, LAST_YEAR_SLUG]) | Q(reference_prefix__in=[PROGRAMME_PREFIX, LAST_YEAR_PREFIX])
    ).exists()


def seed_demo(
    *, nominations: int = DEFAULT_NOMINATIONS, seed: int = DEFAULT_SEED, progress: Progress | None = None,
    bulk: bool | None = None,
) -> DemoSummary:
    """Build the demo accounts, last year's programme and this year's with `nominations` nominations.

    Above SERVICE_REVIEWS_UP_TO nominations (or with `bulk=True` at any size) reviews, scores and
    the event are written in bulk, the event at national scale (demo.scale).

    Guarantees: all or nothing; the same seed gives the same people, categories and
    statuses (timestamps follow the clock); refuses when the demo programme exists.
    """
    if nominations < 0:
        raise ValueError("The number of nominations cannot be negative.")
    if bulk is None:
        bulk = nominations > SERVICE_REVIEWS_UP_TO
    with transaction.atomic():
        if demo_exists():
            raise DemoExists("The demo programme already exists.")
        now = timezone.now()
        users = demo_users_create()
        last_year = _programme_create(
            name="PROUD Awards 2025", slug=LAST_YEAR_SLUG, year=2025, prefix=LAST_YEAR_PREFIX,
            status=ProgrammeStatus.ARCHIVED,
            opens=timezone.make_aware(datetime(2025, 3, 3, 9)), closes=timezone.make_aware(datetime(2025, 5, 30, 17)),
            event_date=date(2025, 10, 17),
        )
        _categories_create(last_year, CATEGORIES_2025)
        programme = _programme_create(
            name="PROUD Awards 2026", slug=PROGRAMME_SLUG, year=2026, prefix=PROGRAMME_PREFIX, status=ProgrammeStatus.OPEN,
            opens=now - timedelta(weeks=6), closes=now + timedelta(weeks=4), event_date=None,
        )
        categories = _categories_create(programme, CATEGORIES_2026)
        ProgrammeRole.objects.bulk_create([
            ProgrammeRole(programme=programme, user=users["organiser"], role=Role.ORGANISER),
            ProgrammeRole(programme=last_year, user=users["organiser"], role=Role.ORGANISER),
            ProgrammeRole(programme=programme, user=users["staff"], role=Role.STAFF),
            ProgrammeRole(programme=programme, user=users["door"], role=Role.EVENT_STAFF),
        ])
        seeder = _NominationSeeder(
            programme=programme, categories=categories, organiser=users["organiser"], staff=users["staff"],
            rng=random.Random(seed), now=now, progress=progress,
        )
        nominees, groups = seeder.run(nominations)
        shortlisting = _ShortlistingSeeder(
            programme=programme, categories=categories, users=users, rng=seeder.rng, now=now, progress=progress,
        ).run(bulk=bulk)
        if not bulk:
            event = seed_event(programme=programme, users=users, rng=seeder.rng, now=now)
        else:
            event = seed_event_at_scale(programme=programme, users=users, rng=seeder.rng, now=now, nominations=nominations)
    return DemoSummary(
        programme=programme, nominations=nominations, nominees=nominees, groups=groups, event=event, **shortlisting
    )


def demo_users_create() -> dict:
    """The demo accounts and the extra panel members, all with settings.DEMO_PASSWORD;
    existing ones get it again."""
    user_model = get_user_model()
    # One hash for all: they share a published password, and hashing is slow by design.
    password = make_password(settings.DEMO_PASSWORD)
    users = {}
    accounts = [(username, first, last) for username, first, last, _ in DEMO_ACCOUNTS] + list(PANEL_MEMBER_ACCOUNTS)
    for username, first_name, last_name in accounts:
        users[username], _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "password": password,
                "is_active": True,
                "is_staff": username == "organiser",
            },
        )
    users["organiser"].user_permissions.set(Permission.objects.filter(content_type__app_label__in=ORGANISER_ADMIN_APPS))
    return users


def _programme_create(*, name, slug, year, prefix, status, opens, closes, event_date) -> Programme:
    return Programme.objects.create(
        name=name, slug=slug, year=year, reference_prefix=prefix, status=status,
        nominations_open_at=opens, nominations_close_at=closes,
        age_reference_date=date(year, 8, 31), event_date=event_date, blind_review=True,
    )


def _categories_create(programme: Programme, specs: tuple[CategorySpec, ...]) -> dict[str, Category]:
    categories = Category.objects.bulk_create([
        Category(
            programme=programme, name=spec.name, slug=spec.slug, description=spec.description,
            nominee_kind=spec.nominee_kind, cohort=spec.cohort, min_age=spec.min_age, max_age=spec.max_age,
            max_finalists=spec.max_finalists, display_order=order,
        )
        for order, spec in enumerate(specs, start=1)
    ])
    Criterion.objects.bulk_create([
        Criterion(category=category, name=name, guidance=guidance, weight=weight, max_score=5, display_order=order)
        for category, spec in zip(categories, specs)
        for order, (name, guidance, weight) in enumerate(spec.criteria, start=1)
    ])
    return {category.slug: category for category in categories}


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", folded)


class _NominationSeeder:
    """Nominees, groups, consents, nominations and their history for one programme."""

    def __init__(self, *, programme, categories, organiser, staff, rng, now, progress):
        self.programme = programme
        self.categories = categories
        self.organiser = organiser
        self.staff = staff
        self.rng = rng
        self.now = now
        self.progress = progress or (lambda label, done, total: None)
        self.themes = {spec.slug: spec.theme for spec in CATEGORIES_2026}
        self.taken_keys: set[str] = set()
        self.used: set[tuple[str, int, int]] = set()  # (nominator e-mail, category, nominee) already nominated
        self.nomination_refused: dict[int, object] = {}  # nominee pk -> who recorded the refusal
        self.eligible = self._eligibility_table()
        self.workers: list[str] = []  # social workers' names, one per fifteen young people
        self.staff_nominator = _Nominator(
            name=staff.get_full_name(), email=staff.email, relationship=Relationship.SOCIAL_WORKER,
            organisation="Children's social care", phone="", user=staff,
        )

    def run(self, count: int) -> tuple[int, int]:
        rng = self.rng
        group_count = int(count * GROUP_SHARE)
        adult_nominations = int(count * ADULT_SHARE)
        individual = count - group_count - adult_nominations
        featured = FEATURED_PEOPLE if individual >= 2 * FEATURED_NOMINATIONS else ()
        random_nominations = individual - (FEATURED_NOMINATIONS if featured else 0)
        random_people = round(random_nominations * NOMINEES_PER_NOMINATION)

        self.workers += [self._adult_name() for _ in range(max(10, random_people // 15))]
        young = self._young_people(featured, random_people)
        adults = self._adults(math.ceil(adult_nominations * 0.7))
        groups = self._groups(group_count, young)

        # Who each nomination is for: (kind, index, the first name the nominator used or "").
        targets = [("young", index, typed) for index, person in enumerate(featured) for typed in person[-1]]
        first_random = len(featured)
        targets += [("young", first_random + i, "") for i in range(random_people)]
        targets += [
            ("young", first_random + rng.randrange(random_people), "") for _ in range(random_nominations - random_people)
        ]
        targets += [("adult", i if i < len(adults) else rng.randrange(len(adults)), "") for i in range(adult_nominations)]
        targets += [("group", i, "") for i in range(group_count)]
        rng.shuffle(targets)

        nominators = self._nominators(max(10, math.ceil(count * 0.6)), RELATIONSHIP_WEIGHTS)
        peers = self._nominators(max(10, adult_nominations), {Relationship.PEER: 1})
        self._nominations(targets, young=young, adults=adults, groups=groups, nominators=nominators, peers=peers)
        self._flag_lookalikes(young)
        NominationSequence.objects.update_or_create(programme=self.programme, defaults={"last_number": count})
        return len(young) + len(adults), len(groups)

    # People

    def _eligibility_table(self) -> dict[tuple[int, str], tuple[list[Category], list[int]]]:
        """The individual categories open to each age and cohort, by the service's own rule."""
        reference = self.programme.age_reference_date
        individual = [
            (self.categories[spec.slug], spec.popularity)
            for spec in CATEGORIES_2026
            if spec.nominee_kind == NomineeKind.INDIVIDUAL
        ]
        table = {}
        for age in AGE_WEIGHTS:
            for cohort in (Cohort.CHILD_IN_CARE, Cohort.CARE_LEAVER):
                born = reference.replace(year=reference.year - age)
                person = PersonInput(legal_first_name="", legal_last_name="", date_of_birth=born, cohort=cohort)
                fits = [
                    (category, weight) for category, weight in individual
                    if not eligibility_problems(category=category, person=person, programme=self.programme)
                ]
                table[(age, cohort)] = ([c for c, _ in fits], [w for _, w in fits])
        return table

    def _adult_name(self) -> str:
        return f"{self.rng.choice(ADULT_FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _random_young_person(self, staff_allocated: bool) -> Nominee:
        rng = self.rng
        reference = self.programme.age_reference_date
        while True:
            first = rng.choice(YOUNG_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if rng.random() < 0.06:
                last = f"{last}-{rng.choice(LAST_NAMES)}"
            age = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
            born = reference - timedelta(days=rng.randint(math.ceil(age * 365.25) + 1, math.floor((age + 1) * 365.25) - 1))
            if match_key(first_name=first, last_name=last, date_of_birth=born) not in self.taken_keys:
                break
        age = age_on(born, reference)
        if age < 16:
            cohort = Cohort.CHILD_IN_CARE
        elif age < 18:
            cohort = Cohort.CHILD_IN_CARE if rng.random() < 0.75 else Cohort.CARE_LEAVER
        else:
            cohort = Cohort.CARE_LEAVER
        preferred = ""
        if first in NICKNAMES and rng.random() < 0.6:
            preferred = NICKNAMES[first]
        elif rng.random() < 0.04:
            preferred = rng.choice(CHOSEN_NAMES)
        pronunciation = PRONUNCIATIONS.get(first, "") if rng.random() < 0.8 else ""
        return self._young_nominee(first, last, preferred, pronunciation, born, cohort, staff_allocated)

    def _young_nominee(self, first, last, preferred, pronunciation, born, cohort, staff_allocated) -> Nominee:
        nominee = Nominee(
            programme_id=self.programme.pk, kind=PersonKind.YOUNG_PERSON,
            legal_first_name=first, legal_last_name=last, preferred_name=preferred, pronunciation=pronunciation,
            date_of_birth=born, cohort=cohort, area=self.rng.choice(AREAS),
            allocated_worker=self.staff if staff_allocated else None,
            allocated_worker_name=self.staff.get_full_name() if staff_allocated else self.rng.choice(self.workers),
            match_key=match_key(first_name=first, last_name=last, date_of_birth=born),
            alias_key=alias_key(first_name=first, last_name=last, date_of_birth=born),
        )
        self.taken_keys.add(nominee.match_key)
        self._safeguarding(nominee, checked_by=self.staff if staff_allocated and self.rng.random() < 0.5 else self.organiser)
        return nominee

    def _young_people(self, featured, random_count: int) -> list[_Person]:
        caseload = set(self.rng.sample(range(random_count), min(STAFF_CASELOAD, random_count)))
        people = self._insert_nominees([
            self._young_nominee(first, last, preferred, pronunciation, born, cohort, staff_allocated=False)
            for first, last, preferred, pronunciation, born, cohort, _ in featured
        ])
        pending = []
        for i in range(random_count):
            pending.append(self._random_young_person(staff_allocated=i in caseload))
            if len(pending) == BATCH_SIZE or i == random_count - 1:
                people += self._insert_nominees(pending)
                pending = []
                self.progress("young people", len(people), len(featured) + random_count)
        return people

    def _adults(self, count: int) -> list[_Person]:
        rng = self.rng
        nominees = []
        while len(nominees) < count:
            first, last = rng.choice(ADULT_FIRST_NAMES), rng.choice(LAST_NAMES)
            key = match_key(first_name=first, last_name=last, date_of_birth=None)
            # Without a birth date the names are the whole key: double surnames keep large runs unique.
            while key in self.taken_keys:
                last = f"{last.split('-')[0]}-{rng.choice(LAST_NAMES)}"
                key = match_key(first_name=first, last_name=last, date_of_birth=None)
            self.taken_keys.add(key)
            nominee = Nominee(
                programme_id=self.programme.pk, kind=PersonKind.ADULT, legal_first_name=first, legal_last_name=last,
                area=rng.choice(AREAS), match_key=key,
                alias_key=alias_key(first_name=first, last_name=last, date_of_birth=None),
            )
            self._safeguarding(nominee, checked_by=self.organiser)
            nominees.append(nominee)
        people = []
        for start in range(0, len(nominees), BATCH_SIZE):
            people += self._insert_nominees(nominees[start:start + BATCH_SIZE])
        return people

    def _safeguarding(self, nominee: Nominee, *, checked_by) -> None:
        """Half the nominees have had the safeguarding check; the rest keep the safe defaults
        (anonymous, no photographs). Consent is asked first and the check honours it, as
        nominee_record_safeguarding requires: a level other than anonymous only with consent to
        the name being read out, photographs only with consent to them. The answers wait on
        the instance (`_demo_consent`) until the nominee has a primary key."""
        rng = self.rng
        young = nominee.kind == PersonKind.YOUNG_PERSON
        nominee._demo_consent = None
        if rng.random() < 0.5:
            # Not checked yet: some young people have already said yes, or no, to being nominated.
            if young:
                roll = rng.random()
                if roll < NOMINATION_REFUSED_SHARE:
                    nominee._demo_consent = ({ConsentPurpose.NOMINATION: False}, self.organiser, None)
                elif roll < 0.3:
                    nominee._demo_consent = ({ConsentPurpose.NOMINATION: True}, self.organiser, None)
            return
        opened = self.programme.nominations_open_at
        nominee.safeguarding_checked_at = opened + (self.now - opened) * rng.random()
        nominee.safeguarding_checked_by = checked_by
        purposes: dict[str, bool] = {}
        if rng.random() < 0.85:  # the rest were checked before anyone asked: they stay anonymous
            if young and rng.random() < NOMINATION_REFUSED_SHARE:
                purposes = {ConsentPurpose.NOMINATION: False}
            else:
                name_read_out = rng.random() < 0.85
                purposes = {
                    ConsentPurpose.NOMINATION: True,
                    ConsentPurpose.ATTENDING: rng.random() < 0.95,
                    ConsentPurpose.NAME_READ_OUT: name_read_out,
                    ConsentPurpose.PHOTOGRAPHED: rng.random() < 0.75,
                }
                if name_read_out and rng.random() < 0.4:
                    purposes[ConsentPurpose.PRESS] = True
            nominee._demo_consent = (purposes, checked_by, nominee.safeguarding_checked_at)
        # With consent the check may still keep the name back; without it the name stays back.
        if purposes.get(ConsentPurpose.NAME_READ_OUT):
            nominee.publicity_level = rng.choices(list(PUBLICITY_WEIGHTS), weights=list(PUBLICITY_WEIGHTS.values()))[0]
        anonymous = nominee.publicity_level == PublicityLevel.ANONYMOUS
        nominee.photography_allowed = bool(purposes.get(ConsentPurpose.PHOTOGRAPHED)) and rng.random() < (
            0.3 if anonymous else 0.9
        )
        unsafe = rng.random() < 0.06
        # A refusal to attend is honoured as the service does: attendance is not safe.
        nominee.attendance_safe = not unsafe and purposes.get(ConsentPurpose.ATTENDING) is not False
        if unsafe:
            nominee.safeguarding_notes = rng.choice(UNSAFE_NOTES)
        elif rng.random() < 0.1:
            nominee.safeguarding_notes = rng.choice(SAFEGUARDING_NOTES)

    def _insert_nominees(self, nominees: list[Nominee]) -> list[_Person]:
        insert_rows(Nominee, nominees)
        consents, history = [], []
        for nominee in nominees:
            # The consent conversation comes before the check it allows.
            for consent in self._consents(nominee):
                consents.append(consent)
                history.append(self._nominee_history(
                    nominee, "nominations.consent.recorded", consent.recorded_by,
                    purpose=consent.purpose, given=consent.given, given_by=consent.given_by,
                ))
                if consent.withdrawn_at is not None:
                    history.append(self._nominee_history(
                        nominee, "nominations.consent.withdrawn", consent.withdrawn_by, purpose=consent.purpose
                    ))
                if consent.purpose == ConsentPurpose.NOMINATION and not consent.given:
                    self.nomination_refused[nominee.pk] = consent.recorded_by
            if nominee.safeguarding_checked_at is not None:
                history.append(self._nominee_history(
                    nominee, "nominations.nominee.safeguarding_checked", nominee.safeguarding_checked_by,
                    attendance_safe=nominee.attendance_safe, publicity_level=nominee.publicity_level,
                    photography_allowed=nominee.photography_allowed,
                ))
        insert_rows(Consent, consents)
        insert_dicts(NomineeHistory, history)
        reference = self.programme.age_reference_date
        return [
            _Person(
                pk=n.pk, match_key=n.match_key, name=n.first_name,
                age=age_on(n.date_of_birth, reference) if n.date_of_birth else None,
                cohort=n.cohort, staff_allocated=n.allocated_worker_id is not None,
            )
            for n in nominees
        ]

    @staticmethod
    def _nominee_history(nominee, action, actor, **detail) -> dict:
        """A NomineeHistory row (as a dict: instances cost more than the insert at scale)."""
        return {
            "nominee_id": nominee.pk, "action": action, "actor_id": actor.pk, "actor_label": actor.get_username(),
            "detail": detail,
        }

    def _consents(self, nominee: Nominee) -> list[Consent]:
        """The answers _safeguarding planned, as current Consent rows (a refusal is given=False)."""
        plan = getattr(nominee, "_demo_consent", None)
        if not plan:
            return []
        purposes, recorded_by, checked_at = plan
        rng = self.rng
        if checked_at is None:
            at = self.now - timedelta(days=rng.randint(1, 30))
        else:
            at = checked_at - timedelta(hours=rng.randint(1, 240))
        if nominee.kind == PersonKind.ADULT:
            # ConsentGiver has no "the adult nominee themselves"; their own answer is recorded as the nominee's.
            given_by, given_by_name = ConsentGiver.YOUNG_PERSON, f"{nominee.legal_first_name} {nominee.legal_last_name}"
        elif (age := age_on(nominee.date_of_birth, self.programme.age_reference_date)) >= 16:
            given_by, given_by_name = ConsentGiver.YOUNG_PERSON, ""
        else:
            givers = (ConsentGiver.CARER, ConsentGiver.SOCIAL_WORKER) if age < 12 else (ConsentGiver.YOUNG_PERSON, ConsentGiver.CARER)
            given_by = rng.choice(givers)
            given_by_name = {
                ConsentGiver.CARER: self._adult_name(),
                ConsentGiver.SOCIAL_WORKER: nominee.allocated_worker_name,
            }.get(given_by, "")
        consents = [
            Consent(nominee_id=nominee.pk, purpose=purpose, given=given, given_by=given_by, given_by_name=given_by_name,
                    given_at=at, recorded_by=recorded_by)
            for purpose, given in purposes.items()
        ]
        # Now and then press consent was given and later withdrawn: later outputs must honour that.
        if consents and consents[-1].purpose == ConsentPurpose.PRESS and rng.random() < 0.2:
            consents[-1].withdrawn_at = at + timedelta(days=rng.randint(1, 5))
            consents[-1].withdrawn_by = recorded_by
        return consents

    def _groups(self, count: int, young: list[_Person]) -> list[NomineeGroup]:
        if not young:
            return []
        rng = self.rng
        names: set[str] = set()
        groups = []
        for _ in range(count):
            name = f"{rng.choice(AREAS)} {rng.choice(GROUP_PROJECTS)}"
            while name in names:
                name = f"{rng.choice(AREAS)} {rng.choice(GROUP_PROJECTS)} {rng.randint(2, 99)}"
            names.add(name)
            groups.append(NomineeGroup(programme_id=self.programme.pk, name=name))
        insert_rows(NomineeGroup, groups)
        membership = NomineeGroup.members.through
        insert_rows(
            membership,
            [
                membership(nomineegroup_id=group.pk, nominee_id=member.pk)
                for group in groups
                for member in rng.sample(young, min(len(young), rng.randint(2, 6)))
            ],
        )
        return groups

    def _flag_lookalikes(self, young: list[_Person]) -> None:
        """Flag each young person whose names, or surname and birth date, match an earlier record's,
        pointing at the first such record, as nominations.services does at intake."""
        by_names: dict[str, int] = {}
        by_surname_and_birth: dict[str, int] = {}
        flagged = []
        for person in sorted(young, key=lambda p: p.pk):
            first, last, born = person.match_key.split("|")
            earlier = [pk for pk in (by_names.get(f"{first}|{last}"), by_surname_and_birth.get(f"{last}|{born}")) if pk]
            if earlier:
                flagged.append((min(earlier), person.pk))
            by_names.setdefault(f"{first}|{last}", person.pk)
            by_surname_and_birth.setdefault(f"{last}|{born}", person.pk)
        # bulk_update's CASE per batch takes seconds at scale.
        set_column(Nominee, "possible_duplicate_of", flagged)

    # Nominations

    def _nominators(self, count: int, relationship_weights: dict[str, int]) -> list[_Nominator]:
        rng = self.rng
        relationships, weights = list(relationship_weights), list(relationship_weights.values())
        nominators = []
        for number in range(1, count + 1):
            relationship = rng.choices(relationships, weights=weights)[0]
            young = relationship == Relationship.PEER
            first = rng.choice(YOUNG_FIRST_NAMES if young else ADULT_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            organisation = rng.choice(ORGANISATIONS[relationship])
            if relationship == Relationship.SOCIAL_WORKER:
                organisation = f"{organisation}, {rng.choice(AREAS)} team"
            local_part = f"{_ascii_slug(first) or 'nominator'}.{_ascii_slug(last) or 'demo'}{number}"
            nominators.append(_Nominator(
                name=f"{first} {last}",
                email=f"{local_part}@{EMAIL_DOMAINS.get(relationship, 'example.org')}",
                relationship=relationship,
                organisation=organisation,
                phone=f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.6 else "",
            ))
        return nominators

    def _pick_nominator(self, pool: list[_Nominator], category: Category, nominee_pk: int | None) -> _Nominator:
        """A nominator who has not yet nominated this nominee in this category (the database refuses a second)."""
        while True:
            nominator = self.rng.choice(pool)
            if nominee_pk is None or (nominator.email, category.pk, nominee_pk) not in self.used:
                break
        if nominee_pk is not None:
            self.used.add((nominator.email, category.pk, nominee_pk))
        return nominator

    def _nominations(self, targets, *, young, adults, groups, nominators, peers) -> None:
        rng = self.rng
        opened = self.programme.nominations_open_at
        open_for = self.now - opened
        total = len(targets)
        team, proud_plus = self.categories["team-effort"], self.categories["proud-plus"]
        batch: list[tuple[Nomination, str]] = []
        for number, (kind, index, typed) in enumerate(targets, start=1):
            nominee_pk = group_pk = None
            if kind == "group":
                category, group_pk, name = team, groups[index].pk, groups[index].name
                nominator = self._pick_nominator(nominators, category, None)
            elif kind == "adult":
                person = adults[index]
                category, nominee_pk, name = proud_plus, person.pk, person.name
                nominator = self._pick_nominator(peers, category, nominee_pk)
            else:
                person = young[index]
                fits, weights = self.eligible[(person.age, person.cohort)]
                category, nominee_pk, name = rng.choices(fits, weights=weights)[0], person.pk, typed or person.name
                staff_pair = (self.staff.email, category.pk, nominee_pk)
                # Allocated workers nominate some of their own young people.
                if person.staff_allocated and rng.random() < 0.5 and staff_pair not in self.used:
                    self.used.add(staff_pair)
                    nominator = self.staff_nominator
                else:
                    pool = peers if rng.random() < 0.06 else nominators
                    nominator = self._pick_nominator(pool, category, nominee_pk)
            # References follow submission order; nominations pick up towards the deadline.
            position = (number - 1 + rng.random()) / total
            submitted_at = opened + open_for * (position ** 0.6)
            status = self._status(position)
            if nominee_pk in self.nomination_refused:
                # The young person said no: the refusal withdrew the nomination (as _apply_consent_refusal does).
                status = NominationStatus.WITHDRAWN
            theme = self.themes[category.slug]
            voice = theme if theme in WHY_IT_MATTERS else "young"
            nomination = Nomination(
                programme_id=self.programme.pk, category_id=category.pk, nominee_id=nominee_pk, group_id=group_pk,
                reference=f"{self.programme.reference_prefix}-{number:04d}",
                status=status,
                source=rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0],
                nominator_name=nominator.name, nominator_email=nominator.email, nominator_phone=nominator.phone,
                nominator_organisation=nominator.organisation, nominator_relationship=nominator.relationship,
                nominator_known_recently=True, nominator_user=nominator.user,
                achievement=" ".join(rng.sample(ACHIEVEMENTS[theme], 2)).format(name=name),
                why_it_matters=rng.choice(WHY_IT_MATTERS[voice]).format(name=name),
                anything_else=rng.choice(ANYTHING_ELSE).format(name=name) if kind == "young" and rng.random() < 0.3 else "",
                submitted_at=None if status == NominationStatus.DRAFT else submitted_at,
                # Written when it was submitted, so the history reads in order (drafts: now).
                created_at=None if status == NominationStatus.DRAFT else submitted_at,
            )
            reason = ""
            if status == NominationStatus.INELIGIBLE:
                reason = rng.choice(INELIGIBLE_REASONS)
            elif nominee_pk in self.nomination_refused:
                reason = CONSENT_REFUSED_REASON
            elif status == NominationStatus.WITHDRAWN:
                reason = rng.choice(WITHDRAWN_REASONS)
            batch.append((nomination, reason))
            if len(batch) == BATCH_SIZE or number == total:
                self._insert_nominations(batch)
                batch = []
                self.progress("nominations", number, total)

    def _status(self, position: float) -> str:
        """A status for the nomination submitted at `position` (0 first, 1 latest): the organiser
        has checked the eligibility of nearly all early nominations and few recent ones."""
        rng = self.rng
        roll = rng.random()
        if roll < DRAFT_SHARE:
            return NominationStatus.DRAFT
        if roll < DRAFT_SHARE + WITHDRAWN_SHARE:
            return NominationStatus.WITHDRAWN
        if rng.random() < min(0.95, max(0.05, 1.15 - position)):
            return NominationStatus.ELIGIBLE if rng.random() < ELIGIBLE_SHARE_OF_CHECKED else NominationStatus.INELIGIBLE
        return NominationStatus.SUBMITTED

    def _insert_nominations(self, batch: list[tuple[Nomination, str]]) -> None:
        insert_rows(Nomination, [nomination for nomination, _ in batch])
        history = []
        for nomination, reason in batch:
            # Imports are run by the organiser; everything else comes from the nominator.
            actor = self.organiser if nomination.source == Source.IMPORT else nomination.nominator_user
            label = actor.get_username() if actor else "nominator"
            # NominationHistory rows, as dicts: instances cost more than the insert at scale.
            history.append({
                "nomination_id": nomination.pk, "action": "nominations.nomination.created", "from_status": "",
                "to_status": NominationStatus.DRAFT, "actor_id": actor.pk if actor else None, "actor_label": label,
                "reason": f"via {Source(nomination.source).label.lower()}", "at": nomination.submitted_at,
            })
            if nomination.status == NominationStatus.DRAFT:
                continue
            history.append({
                "nomination_id": nomination.pk, "action": "nominations.nomination.submitted",
                "from_status": NominationStatus.DRAFT, "to_status": NominationStatus.SUBMITTED,
                "actor_id": actor.pk if actor else None, "actor_label": label, "reason": "", "at": nomination.submitted_at,
            })
            if nomination.status in (NominationStatus.ELIGIBLE, NominationStatus.INELIGIBLE):
                actor, label = self.organiser, self.organiser.get_username()
            elif reason == CONSENT_REFUSED_REASON:
                actor = self.nomination_refused[nomination.nominee_id]
                label = actor.get_username()
            elif nomination.status == NominationStatus.WITHDRAWN:
                actor = nomination.nominator_user
                label = actor.get_username() if actor else "nominator (private link)"
            else:
                continue
            history.append({
                "nomination_id": nomination.pk, "action": f"nominations.nomination.{nomination.status}",
                "from_status": NominationStatus.SUBMITTED, "to_status": nomination.status,
                "actor_id": actor.pk if actor else None, "actor_label": label, "reason": reason,
            })
        insert_dicts(NominationHistory, history)


class _ShortlistingSeeder:
    """Panels over all the categories, their members, conflicts, assignments and about half
    the reviews, some submitted and some in draft."""

    def __init__(self, *, programme, categories, users, rng, now, progress):
        self.programme = programme
        self.categories = categories
        self.users = users
        self.organiser = users["organiser"]
        self.rng = rng
        self.now = now
        self.progress = progress or (lambda label, done, total: None)
        self.quality: dict[int, float] = {}  # nomination pk -> how strong it is, 0 to 1
        self.criteria = {
            category.pk: [(c.pk, c.max_score) for c in category.criteria.order_by("display_order", "pk")]
            for category in categories.values()
        }

    def run(self, *, bulk: bool) -> dict[str, int]:
        deadline = self.programme.nominations_close_at + PANEL_DEADLINE_AFTER_CLOSE
        assignments = 0
        for spec in PANELS:
            panel = panel_create(
                programme=self.programme, name=spec.name, categories=[self.categories[slug] for slug in spec.categories],
                actor=self.organiser,
                # At scale "everyone reviews everything" would mean thousands of reviews per member.
                strategy=AssignmentStrategy.K_REVIEWERS if bulk else spec.strategy,
                reviewers_per_nomination=spec.reviewers_per_nomination, deadline=deadline,
            )
            for username, role in spec.members:
                young = username in YOUNG_PANEL_MEMBERS
                panel_member_add(
                    panel=panel, actor=self.organiser, user=self.users[username], role=role,
                    is_young_person=young, is_care_experienced=young,
                    carer_name=self._shared_carer(spec) if username == "youngpanel" else "",
                )
            assignments += assignment_run(panel=panel, actor=self.organiser)
        plans = self._plans()
        if bulk:
            self._reviews_bulk(plans)
        else:
            self._reviews_by_service(plans)
        submitted = sum(1 for _, submit, _, _ in plans if submit)
        return {
            "panels": len(PANELS), "assignments": assignments,
            "reviews_submitted": submitted, "reviews_draft": len(plans) - submitted,
        }

    def _shared_carer(self, spec: PanelSpec) -> str:
        """The young member's carer is one who nominated a young person this panel reviews,
        so the conflict detection has something to find."""
        carers = list(
            Nomination.objects.filter(
                programme=self.programme, category__slug__in=spec.categories, status=NominationStatus.ELIGIBLE,
                nominee__isnull=False,
                nominator_relationship__in=[Relationship.FOSTER_CARER, Relationship.RESIDENTIAL_WORKER],
            ).order_by("reference").values_list("nominator_name", flat=True)[:50]
        )
        return self.rng.choice(carers) if carers else self._adult_name()

    def _adult_name(self) -> str:
        return f"{self.rng.choice(ADULT_FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _plans(self) -> list[tuple[int, bool, dict[int, int], str]]:
        """(assignment pk, submit, scores by criterion, comment) for the assignments each member has
        got to: a share of their own, in a random order; a draft may leave parts unscored."""
        rng = self.rng
        by_member: dict[str, list[tuple[int, int, int]]] = {}
        for pk, username, nomination_pk, category_pk in (
            Assignment.objects.filter(panel__programme=self.programme)
            .order_by("id")
            .values_list("id", "member__user__username", "nomination_id", "nomination__category_id")
            .iterator(chunk_size=BATCH_SIZE)
        ):
            # One member's habits hold across their panels.
            by_member.setdefault(username, []).append((pk, nomination_pk, category_pk))
        plans = []
        for username, own in by_member.items():
            shift, stretch, share = SCORING_HABITS.get(username) or (
                rng.uniform(-1.2, 1.2), rng.uniform(0.6, 1.4), rng.uniform(0.3, 0.7)
            )
            rng.shuffle(own)
            for pk, nomination_pk, category_pk in own[: round(share * len(own))]:
                quality = self.quality.setdefault(nomination_pk, rng.uniform(0.15, 0.95))
                criteria = self.criteria[category_pk]
                submit = rng.random() < SUBMITTED_SHARE_OF_SCORED
                scored = criteria if submit else criteria[: rng.randint(1, len(criteria))]
                scores = {criterion: self._score(top, quality, shift, stretch) for criterion, top in scored}
                comment = rng.choice(REVIEW_COMMENTS) if rng.random() < 0.25 else ""
                plans.append((pk, submit, scores, comment))
        return plans

    def _score(self, top: int, quality: float, shift: float, stretch: float) -> int:
        """A member's score out of `top`: the nomination's quality, stretched around the middle
        and shifted by the member's habits, with some noise; always within 0..top."""
        value = top * (0.5 + stretch * (quality - 0.5)) + shift + self.rng.gauss(0, 0.6)
        return min(top, max(0, round(value)))

    def _reviews_by_service(self, plans) -> None:
        assignments = Assignment.objects.select_related("panel", "member__user", "nomination__category").in_bulk(
            [pk for pk, _, _, _ in plans]
        )
        for pk, submit, scores, comment in plans:
            assignment = assignments[pk]
            review_save(assignment=assignment, actor=assignment.member.user, scores=scores, comment=comment, submit=submit)

    def _reviews_bulk(self, plans) -> None:
        """What review_save would write, in bulk: one Score per criterion scored, each within
        0..max_score; a submitted review has every criterion and submitted_at."""
        rng = self.rng
        total = len(plans)
        columns = [Score._meta.get_field(name).column for name in ("review", "criterion", "value")]
        for start in range(0, total, BATCH_SIZE):
            batch = plans[start:start + BATCH_SIZE]
            reviews = insert_rows(Review, [
                Review(
                    assignment_id=pk, comment=comment,
                    status=ReviewStatus.SUBMITTED if submit else ReviewStatus.DRAFT,
                    submitted_at=self.now - timedelta(minutes=rng.randint(10, 60 * 24 * 14)) if submit else None,
                )
                for pk, submit, _, comment in batch
            ])
            # Plain tuples for the scores: building model instances takes seconds at scale.
            copy_rows(Score._meta.db_table, columns, [
                (review.pk, criterion, value)
                for review, (_, _, scores, _) in zip(reviews, batch)
                for criterion, value in scores.items()
            ])
            self.progress("reviews", start + len(batch), total)
