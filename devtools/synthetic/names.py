"""Uzbek place and people names for the synthetic country (Latin script, oʻ and gʻ with U+02BB)."""

from __future__ import annotations

# The 14 regions (viloyat) with a few real districts each; further districts get numbered names.
REGIONS: list[tuple[str, str, list[str]]] = [
    ("QR", "Qoraqalpogʻiston Respublikasi", ["Nukus shahri", "Amudaryo tumani", "Beruniy tumani", "Chimboy tumani"]),
    ("AN", "Andijon viloyati", ["Andijon shahri", "Asaka tumani", "Baliqchi tumani", "Xoʻjaobod tumani"]),
    ("BX", "Buxoro viloyati", ["Buxoro shahri", "Gʻijduvon tumani", "Kogon tumani", "Vobkent tumani"]),
    ("JZ", "Jizzax viloyati", ["Jizzax shahri", "Zomin tumani", "Gʻallaorol tumani", "Forish tumani"]),
    ("QD", "Qashqadaryo viloyati", ["Qarshi shahri", "Shahrisabz tumani", "Kitob tumani", "Gʻuzor tumani"]),
    ("NV", "Navoiy viloyati", ["Navoiy shahri", "Zarafshon shahri", "Karmana tumani", "Qiziltepa tumani"]),
    ("NM", "Namangan viloyati", ["Namangan shahri", "Chortoq tumani", "Chust tumani", "Pop tumani"]),
    ("SM", "Samarqand viloyati", ["Samarqand shahri", "Urgut tumani", "Kattaqoʻrgʻon tumani", "Payariq tumani"]),
    ("SX", "Surxondaryo viloyati", ["Termiz shahri", "Denov tumani", "Sherobod tumani", "Sariosiyo tumani"]),
    ("SR", "Sirdaryo viloyati", ["Guliston shahri", "Yangiyer shahri", "Boyovut tumani", "Sardoba tumani"]),
    ("TV", "Toshkent viloyati", ["Nurafshon shahri", "Chirchiq shahri", "Olmaliq shahri", "Zangiota tumani"]),
    ("FR", "Fargʻona viloyati", ["Fargʻona shahri", "Margʻilon shahri", "Qoʻqon shahri", "Rishton tumani"]),
    ("XR", "Xorazm viloyati", ["Urganch shahri", "Xiva shahri", "Xonqa tumani", "Shovot tumani"]),
    ("TS", "Toshkent shahri", ["Mirzo Ulugʻbek tumani", "Shayxontohur tumani", "Sergeli tumani", "Olmazor tumani"]),
]

MAHALLA_WORDS = [
    "Bogʻishamol",
    "Navroʻz",
    "Mustaqillik",
    "Doʻstlik",
    "Yangi hayot",
    "Obod",
    "Guliston",
    "Bunyodkor",
    "Mehnatobod",
    "Tinchlik",
    "Istiqlol",
    "Nurafshon",
    "Oqtepa",
    "Qoʻrgʻoncha",
    "Chinor",
    "Olmazor",
    "Yangiobod",
    "Beshariq",
    "Gulbahor",
    "Ziyokor",
    "Sogʻbon",
    "Oltinkoʻl",
    "Qizilqum",
    "Bahor",
    "Shodlik",
    "Farovon",
    "Adolat",
    "Mehr",
    "Navbahor",
    "Paxtakor",
    "Toshariq",
    "Uzumzor",
    "Chorbogʻ",
    "Anhor",
    "Koʻksaroy",
    "Yulduz",
    "Marvarid",
    "Lolazor",
    "Sayxun",
    "Zarafshon",
    "Qoraqamish",
    "Gʻalaba",
    "Oydin",
    "Ipakyoʻli",
    "Ulugʻbek",
    "Navoiy",
    "Bobur",
    "Amir Temur",
]
MAHALLA_PREFIXES = ["", "Yangi ", "Eski ", "Katta ", "Kichik ", "Yuqori ", "Quyi "]

FIRST_NAMES = [
    "Dilnoza",
    "Akmal",
    "Gulnora",
    "Jasur",
    "Malika",
    "Rustam",
    "Shahnoza",
    "Oʻtkir",
    "Nodira",
    "Bekzod",
    "Zulfiya",
    "Sherzod",
    "Feruza",
    "Gʻayrat",
    "Mohira",
    "Ulugʻbek",
    "Sevara",
    "Otabek",
    "Nigora",
    "Sanjar",
]
LAST_NAMES = [
    "Karimov",
    "Yusupov",
    "Rahimov",
    "Toshmatov",
    "Ergashev",
    "Qodirov",
    "Saidov",
    "Nazarov",
    "Xolmatov",
    "Gʻofurov",
    "Oʻrinov",
    "Abdullayev",
    "Mirzayev",
    "Sobirov",
    "Tursunov",
    "Hamidov",
    "Normatov",
    "Islomov",
]
STREET_WORDS = [
    "Navoiy",
    "Bogʻishamol",
    "Mustaqillik",
    "Amir Temur",
    "Oʻzbekiston",
    "Gʻafur Gʻulom",
    "Bobur",
    "Chinor",
    "Yangi hayot",
    "Istiqlol",
    "Doʻstlik",
    "Mehrobod",
    "Shodlik",
    "Guliston",
    "Qoʻqon",
    "Fargʻona yoʻli",
]


def person(index: int) -> str:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    female = first in {"Dilnoza", "Gulnora", "Malika", "Shahnoza", "Nodira", "Zulfiya", "Feruza", "Mohira"}
    female = female or first in {"Sevara", "Nigora"}
    return f"{first} {last}a" if female else f"{first} {last}"


def mahalla_name(index: int) -> str:
    word = MAHALLA_WORDS[index % len(MAHALLA_WORDS)]
    prefix = MAHALLA_PREFIXES[(index // len(MAHALLA_WORDS)) % len(MAHALLA_PREFIXES)]
    round_ = index // (len(MAHALLA_WORDS) * len(MAHALLA_PREFIXES))
    return f"{prefix}{word}{f' {round_ + 1}' if round_ else ''} MFY"


def street(index: int) -> str:
    return f"{STREET_WORDS[index % len(STREET_WORDS)]} koʻchasi"
