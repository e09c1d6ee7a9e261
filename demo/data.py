"""What several phases of the demo share: the random names, the fictional areas, this year's and
last year's categories with their rubrics, and how many rows a phase builds before writing them.

Nothing here is about a real person: names are random combinations from the lists below, and the
areas are fictional. What only one phase uses lives in that phase's module (demo.people,
demo.safeguarding, demo.nominations, demo.shortlisting)."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from awards.enums import Cohort, NomineeKind

BATCH_SIZE = 2000
# (what is being written, how many so far, how many in all), for the command's progress lines.
Progress = Callable[[str, int, int], None]

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


def adult_name(rng: random.Random) -> str:
    """A random adult's full name (a social worker, a carer, a panel member's carer)."""
    return f"{rng.choice(ADULT_FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


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
    ("Impact", "How much difference it made to them or to other people, compared with where they started.", 2),
    ("Effort and determination", "How hard it was: keeping going when things went wrong, and being brave enough to try something new.", 1),
    ("Inspiring others", "Would it make other young people in care, or leaving care, want to have a go? Has it already?", 1),
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
