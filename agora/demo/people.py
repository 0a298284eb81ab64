"""The people of the demo organization: who they are and what they know.

Skills are written ``"Skill:level:years"`` on the shared vocabulary; levels are
``learning``, ``practitioner`` or ``expert``. A bio is the person's own words;
the builder adds an "Ask me about" list from their strongest skills.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAIN = "demo.agora.test"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str  # org role: admin, staff, advocate, member, guest
    department: str
    title: str
    location: str
    time_zone: str
    skills: str
    interests: str
    bio: str
    email: str = ""  # default: first.last@demo.agora.test
    on_x: bool = False
    website: str = ""


# A table: one person per entry, positional fields in the dataclass's order.
# fmt: off
PEOPLE: list[Person] = [
    # --- Operations -------------------------------------------------------------
    Person(
        "morgan", "Morgan Ellis", "admin", "Operations", "Collaboration Platform Lead",
        "London", "Europe/London",
        "Change management:expert:11; Project management:expert:12; "
        "Process improvement:practitioner:8; Vendor management:practitioner:6",
        "internal communities, cycling, board games",
        "I look after the tools we use to work together, Agora included. If something "
        "here gets in your way, **tell me**: I would rather fix it than write a FAQ.",
        email=f"admin@{DOMAIN}",
    ),
    Person(
        "tomasz", "Tomasz Wójcik", "member", "Operations", "IT Service Manager",
        "Warsaw", "Europe/Warsaw",
        "Incident response:expert:10; ITIL:practitioner:7; Vendor management:practitioner:5",
        "home automation, mountain hiking",
        "Fourteen years of keeping laptops, networks and people calm. First-time "
        "manager this year, so I am on the learning side of things again.",
    ),
    Person(
        "aisha", "Aisha Bello", "member", "Operations", "Operations Analyst",
        "Nairobi", "Africa/Nairobi",
        "SQL:practitioner:3; Process improvement:practitioner:4; Forecasting:learning:1",
        "supply chains, long-distance running, podcasts",
        "I map how work actually flows (not how the diagram says it does) and look "
        "for the steps we can drop.",
    ),
    Person(
        "liam", "Liam O'Connor", "member", "Operations", "Procurement Specialist",
        "Dublin", "Europe/Dublin",
        "Procurement:expert:9; Negotiation:practitioner:9; Vendor management:expert:8",
        "hurling, sustainable sourcing",
        "Buying things well is a team sport. Ask me before you sign anything with a "
        "renewal clause.",
    ),
    # --- People & Learning ---------------------------------------------------------
    Person(
        "helena", "Helena Vogt", "staff", "People & Learning", "Learning Experience Designer",
        "Berlin", "Europe/Berlin",
        "Instructional design:expert:12; Facilitation:expert:10; "
        "Data visualization:practitioner:4; Accessibility:practitioner:5",
        "cohort-based learning, typography, sourdough",
        "I design courses that people finish because they learn *with each other*. "
        "Currently teaching **Data Literacy for Everyone**; previously a secondary-school "
        "maths teacher.",
        email=f"instructor@{DOMAIN}",
    ),
    Person(
        "daniel", "Daniel Okafor", "staff", "People & Learning", "Head of Learning & Development",
        "London", "Europe/London",
        "Leadership:expert:15; Coaching:expert:12; Facilitation:expert:14; "
        "Change management:practitioner:10",
        "leadership development, jazz piano, learning science",
        "I run our learning programmes and teach *Leading Without Authority*. "
        "I believe most of what we know at work we learned from a colleague.",
        on_x=True,
    ),
    Person(
        "mei", "Mei Lin Tan", "member", "People & Learning", "People Partner",
        "Singapore", "Asia/Singapore",
        "Coaching:practitioner:6; Employment law:practitioner:5; Facilitation:practitioner:4",
        "team health, Peranakan cooking, bouldering",
        "People Partner for Sales and Finance in APAC. Happy to talk about career "
        "conversations, feedback, or just a tricky week.",
    ),
    Person(
        "rosa", "Rosa Delgado", "member", "People & Learning", "Talent Programs Coordinator",
        "Madrid", "Europe/Madrid",
        "Project management:practitioner:4; Spanish:expert:30; Public speaking:learning:1",
        "onboarding, flamenco, language exchange",
        "I run onboarding and the buddy programme. If you are new: hello! I probably "
        "sent you your first-week plan.",
    ),
    # --- Engineering -------------------------------------------------------------
    Person(
        "kenji", "Kenji Watanabe", "advocate", "Engineering", "Staff Software Engineer",
        "Tokyo", "Asia/Tokyo",
        "Python:expert:14; Django:expert:10; PostgreSQL:expert:11; Code review:expert:12; "
        "Mentoring:practitioner:6",
        "open source, mechanical keyboards, trail running",
        "Backend and databases. I host the **Python Guild** and pair with anyone who "
        "asks: bring your slow query and a coffee.",
        on_x=True,
    ),
    Person(
        "ana", "Ana Ribeiro", "member", "Engineering", "Backend Engineer",
        "Lisbon", "Europe/Lisbon",
        "Python:practitioner:5; Django:practitioner:4; Kubernetes:learning:1; SQL:practitioner:5",
        "surfing, testing culture",
        "Writing APIs and the tests that keep them honest. Learning Kubernetes the "
        "hard way, one outage review at a time.",
    ),
    Person(
        "marcus", "Marcus Johnson", "member", "Engineering", "Engineering Manager",
        "Austin", "America/Chicago",
        "Leadership:practitioner:5; Code review:practitioner:10; Hiring:practitioner:6; "
        "TypeScript:practitioner:8; Kubernetes:expert:3",
        "barbecue, team rituals, chess",
        "I manage the Web team. Ask me about running good one-to-ones, or about "
        "why the checkout page looks the way it does.",
    ),
    Person(
        "priya", "Priya Nair", "member", "Engineering", "Senior Frontend Engineer",
        "Bangalore", "Asia/Kolkata",
        "TypeScript:expert:8; React:expert:7; Accessibility:practitioner:5; "
        "Design systems:practitioner:4; JavaScript:expert:10",
        "Carnatic music, web performance",
        "Frontend, performance and accessibility. I review pull requests with a screen "
        "reader switched on.",
        on_x=True,
    ),
    Person(
        "oskar", "Oskar Lindqvist", "member", "Engineering", "Site Reliability Engineer",
        "Stockholm", "Europe/Stockholm",
        "Kubernetes:expert:7; Terraform:expert:6; Incident response:expert:8; "
        "PostgreSQL:practitioner:5",
        "sailing, chaos engineering",
        "I keep production boring. Post-incident reviews are my favourite meetings, "
        "honestly.",
    ),
    Person(
        "fatima", "Fatima El Amrani", "member", "Engineering", "Security Engineer",
        "Amsterdam", "Europe/Amsterdam",
        "Application security:expert:9; Threat modelling:expert:7; Python:practitioner:6; "
        "French:expert:25",
        "CTFs, calligraphy",
        "I help teams ship safely: threat models, reviews, and the occasional "
        "phishing drill you will not enjoy.",
    ),
    Person(
        "ben", "Ben Carter", "member", "Engineering", "Mobile Engineer",
        "New York", "America/New_York",
        "Swift:expert:8; Kotlin:practitioner:4; Accessibility:learning:1",
        "photography, basketball",
        "iOS and Android. Currently making our app work properly with Dynamic Type.",
    ),
    Person(
        "yuki", "Yuki Sato", "member", "Engineering", "QA Engineer",
        "Tokyo", "Asia/Tokyo",
        "Test automation:practitioner:5; Python:learning:1; Accessibility:practitioner:3",
        "puzzles, ceramics",
        "I break things on purpose so customers don't by accident. Learning Python "
        "in the Guild.",
    ),
    # --- Data --------------------------------------------------------------------
    Person(
        "lena", "Lena Fischer", "advocate", "Data", "Analytics Lead",
        "Berlin", "Europe/Berlin",
        "SQL:expert:12; Statistics:expert:10; Data visualization:expert:9; "
        "Experiment design:practitioner:6; Python:practitioner:7",
        "data journalism, rowing",
        "I lead Analytics and co-teach *Data Literacy for Everyone*. No question "
        "about a chart is too basic, and I mean that.",
    ),
    Person(
        "arjun", "Arjun Mehta", "member", "Data", "Data Scientist",
        "Bangalore", "Asia/Kolkata",
        "Machine learning:expert:7; Python:expert:8; Experiment design:expert:6; "
        "Statistics:practitioner:8",
        "cricket analytics, causal inference",
        "Pricing models and experiments. I co-lead the **Pricing Experiments Network**.",
        on_x=True,
    ),
    Person(
        "chloe", "Chloé Martin", "member", "Data", "Analytics Engineer",
        "Paris", "Europe/Paris",
        "dbt:expert:5; SQL:expert:8; Python:practitioner:4; French:expert:29",
        "data modelling, cinema",
        "I turn raw tables into models people can trust. Ask me where a metric "
        "comes from.",
    ),
    Person(
        "samuel", "Samuel Adeyemi", "member", "Data", "Data Engineer",
        "Lagos", "Africa/Lagos",
        "Python:expert:7; Airflow:practitioner:4; PostgreSQL:practitioner:5; "
        "Kubernetes:learning:1",
        "afrobeats, data infrastructure, football",
        "Pipelines, warehouses and the occasional 3 a.m. backfill.",
    ),
    Person(
        "hannah", "Hannah Kowalski", "member", "Data", "BI Analyst",
        "Toronto", "America/Toronto",
        "SQL:practitioner:4; Data visualization:practitioner:4; Excel:expert:8",
        "dashboards, hockey",
        "Dashboards for Sales and Customer Success. Newly leading a small team.",
    ),
    # --- Design ------------------------------------------------------------------
    Person(
        "noor", "Noor Haddad", "member", "Design", "Product Designer",
        "Amsterdam", "Europe/Amsterdam",
        "Interaction design:expert:7; Figma:expert:6; User research:practitioner:5; "
        "Arabic:expert:28",
        "illustration, inclusive design",
        "Designing the onboarding flows. I sketch on paper first, always.",
    ),
    Person(
        "lucas", "Lucas Moreau", "member", "Design", "Design Systems Lead",
        "Paris", "Europe/Paris",
        "Design systems:expert:8; Accessibility:expert:7; Figma:expert:7; CSS:expert:10",
        "type design, cycling",
        "I run our design system and host the **Accessibility Practice**. Colour "
        "contrast is a love language.",
    ),
    Person(
        "grace_k", "Grace Kim", "member", "Design", "UX Researcher",
        "Seoul", "Asia/Seoul",
        "User research:expert:9; Interviewing:expert:9; Statistics:practitioner:4; "
        "Korean:expert:30",
        "ethnography, tea",
        "I talk to customers for a living and bring their words back to the team.",
    ),
    # --- Sales -------------------------------------------------------------------
    Person(
        "amara", "Amara Nwosu", "advocate", "Sales", "Sales Enablement Manager",
        "London", "Europe/London",
        "Public speaking:expert:10; Facilitation:practitioner:7; Salesforce:expert:8; "
        "Coaching:practitioner:5",
        "storytelling, netball",
        "I help our sellers learn from each other: call reviews, playbooks, and "
        "the odd pep talk.",
        on_x=True,
    ),
    Person(
        "diego", "Diego Fernández", "member", "Sales", "Account Executive",
        "São Paulo", "America/Sao_Paulo",
        "Negotiation:practitioner:6; Discovery calls:expert:7; Portuguese:expert:32; "
        "Spanish:expert:32",
        "football, Brazilian jazz",
        "Mid-market deals across Latin America. Always happy to role-play a tough call.",
    ),
    Person(
        "emily", "Emily Walsh", "member", "Sales", "Regional Sales Director",
        "New York", "America/New_York",
        "Account planning:expert:14; Negotiation:expert:14; Leadership:practitioner:7; "
        "Forecasting:practitioner:9",
        "sailing, mentoring women in sales",
        "I lead North America sales. Ask me about pricing conversations with large "
        "customers.",
    ),
    Person(
        "raj", "Rajesh Iyer", "member", "Sales", "Solutions Consultant",
        "Singapore", "Asia/Singapore",
        "Solution design:expert:9; SQL:practitioner:5; Public speaking:practitioner:6",
        "architecture sketches, badminton",
        "I translate between what customers need and what the product does.",
    ),
    Person(
        "tom", "Tom Becker", "member", "Sales", "Sales Development Representative",
        "Berlin", "Europe/Berlin",
        "Discovery calls:practitioner:2; Salesforce:practitioner:2; German:expert:24",
        "football, podcasts, learning Spanish",
        "Second year in sales, first year with data. Taking every course I can.",
    ),
    # --- Customer Success ---------------------------------------------------------
    Person(
        "sofia", "Sofia Marquez", "advocate", "Customer Success", "Senior Support Engineer",
        "Lisbon", "Europe/Lisbon",
        "Troubleshooting:expert:9; SQL:practitioner:6; Writing:expert:8; "
        "Customer onboarding:practitioner:5",
        "knowledge bases, yoga, fado",
        "I host **New here? Ask anything**. If you are stuck, ask there: someone "
        "usually answers within the hour.",
        email=f"advocate@{DOMAIN}",
    ),
    Person(
        "jamie", "Jamie Rivera", "member", "Customer Success", "Customer Success Manager",
        "Toronto", "America/Toronto",
        "Customer onboarding:practitioner:4; Churn analysis:learning:1; Salesforce:practitioner:3",
        "customer stories, canoeing",
        "I look after twenty-odd customers in Canada. Learning data skills so I can "
        "spot churn before it happens.",
        email=f"member@{DOMAIN}",
    ),
    Person(
        "grace", "Grace Mensah", "member", "Customer Success", "VP Customer Success",
        "Accra", "Africa/Accra",
        "Leadership:expert:16; Coaching:expert:10; Churn analysis:expert:9; "
        "Public speaking:practitioner:12",
        "mentoring new managers, highlife music",
        "I lead Customer Success and mentor the **New Managers Circle**. My door "
        "(and calendar) is open.",
    ),
    Person(
        "ethan", "Ethan Brooks", "member", "Customer Success", "Onboarding Specialist",
        "Austin", "America/Chicago",
        "Customer onboarding:practitioner:3; Writing:practitioner:3; Video editing:practitioner:4",
        "video tutorials, disc golf",
        "I get new customers live in their first thirty days. I make a lot of short videos.",
    ),
    Person(
        "leila", "Leila Farahani", "member", "Customer Success", "Support Team Lead",
        "Toronto", "America/Toronto",
        "Troubleshooting:expert:7; Coaching:learning:1; Persian:expert:30",
        "poetry, support metrics",
        "Newly leading the Americas support team. Previously the person who answered "
        "your 2 a.m. ticket.",
    ),
    # --- Finance -----------------------------------------------------------------
    Person(
        "olivia", "Olivia Bennett", "member", "Finance", "FP&A Manager",
        "London", "Europe/London",
        "Financial modelling:expert:10; Budgeting:expert:10; Forecasting:expert:9; Excel:expert:12",
        "running, economics books",
        "Planning and forecasting. I can explain our unit economics in one slide, "
        "or in twenty.",
    ),
    Person(
        "hiro", "Hiroshi Tanaka", "member", "Finance", "Financial Analyst",
        "Singapore", "Asia/Singapore",
        "Excel:expert:6; Financial modelling:practitioner:4; Python:learning:1",
        "spreadsheets (really), jazz",
        "I host the **Spreadsheet Clinic**. Learning Python to automate the boring parts.",
    ),
    Person(
        "zanele", "Zanele Dlamini", "member", "Finance", "Financial Controller",
        "Johannesburg", "Africa/Johannesburg",
        "Accounting:expert:13; Budgeting:expert:11; Vendor management:practitioner:6",
        "choir singing, audit trails",
        "Month-end close, audits and the controls that keep us out of trouble.",
    ),
    # --- Product -----------------------------------------------------------------
    Person(
        "nina", "Nina Petrova", "member", "Product", "Senior Product Manager",
        "Berlin", "Europe/Berlin",
        "Product discovery:expert:8; Experiment design:practitioner:5; "
        "User research:practitioner:6; Russian:expert:31",
        "behavioural economics, chess",
        "Product manager for pricing and packaging. I co-lead the Pricing "
        "Experiments Network with Arjun.",
    ),
    # --- Outside guests ------------------------------------------------------------
    Person(
        "rafael", "Dr. Rafael Costa", "guest", "External", "Pricing researcher (visiting)",
        "São Paulo", "America/Sao_Paulo",
        "Behavioural economics:expert:15; Experiment design:expert:12; Statistics:expert:15",
        "pricing psychology, bossa nova",
        "University researcher working with the Pricing Experiments Network as an "
        "outside advisor, and a guest speaker in Data Literacy.",
        email=f"guest@{DOMAIN}",
        website="https://rafaelcosta.example.org/",
    ),
    Person(
        "ingrid", "Ingrid Halvorsen", "guest", "External", "Executive coach",
        "Oslo", "Europe/Oslo",
        "Coaching:expert:18; Leadership:expert:20; Facilitation:expert:15",
        "leadership transitions, cross-country skiing",
        "Independent executive coach, co-mentoring the New Managers Circle.",
        website="https://halvorsen-coaching.example.org/",
    ),
]
# fmt: on

# Dialling prefixes for the made-up phone numbers.
COUNTRY_CODES = {
    "London": "+44 20",
    "Warsaw": "+48 22",
    "Nairobi": "+254 20",
    "Dublin": "+353 1",
    "Berlin": "+49 30",
    "Madrid": "+34 91",
    "Singapore": "+65",
    "Tokyo": "+81 3",
    "Lisbon": "+351 21",
    "Austin": "+1 512",
    "Bangalore": "+91 80",
    "Stockholm": "+46 8",
    "Amsterdam": "+31 20",
    "New York": "+1 212",
    "Paris": "+33 1",
    "Lagos": "+234 1",
    "Toronto": "+1 416",
    "Seoul": "+82 2",
    "São Paulo": "+55 11",
    "Accra": "+233 30",
    "Johannesburg": "+27 11",
    "Oslo": "+47 22",
}
