"""UK names for the synthetic population: forenames by birth decade, surnames, nicknames, typos.

Frequencies follow the rank order of ONS / GRO name lists: a name's weight falls with its rank (Zipf-like),
which is close enough to the real shape for matching benchmarks (a few very common names, a long tail).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

_GIRLS = {
    1920: "Margaret Mary Joan Dorothy Kathleen Doris Irene Elizabeth Joyce Winifred Eileen Marjorie Edna "
    "Vera Betty Florence Hilda Gladys Ivy Lilian Annie Evelyn Phyllis Elsie",
    1930: "Margaret Jean Mary Joan Patricia Sheila Barbara Doreen Joyce Dorothy Betty Kathleen Audrey "
    "Elizabeth Maureen Brenda Sylvia Irene Pamela Eileen Valerie Shirley Marion Iris",
    1940: "Margaret Patricia Christine Mary Jean Ann Susan Janet Maureen Barbara Valerie Sandra Sheila "
    "Pauline Carol Elizabeth Linda Kathleen Brenda Jennifer Marion Gillian Judith Anne",
    1950: "Susan Linda Christine Margaret Janet Patricia Carol Elizabeth Mary Anne Ann Jane Jacqueline "
    "Barbara Sandra Gillian Pauline Elaine Lesley Angela Kathleen Valerie Wendy Denise",
    1960: "Susan Julie Karen Jacqueline Deborah Tracey Jane Helen Diane Sharon Tracy Angela Sarah Alison "
    "Caroline Amanda Sandra Linda Catherine Elizabeth Dawn Joanne Lorraine Nicola",
    1970: "Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Samantha Karen Amanda Rachel Louise Julie "
    "Clare Rebecca Sharon Victoria Caroline Susan Kelly Donna Kerry Natalie",
    1980: "Sarah Laura Gemma Emma Rebecca Claire Victoria Samantha Rachel Amy Jennifer Nicola Katie Lisa "
    "Kelly Natalie Louise Michelle Hayley Stacey Charlotte Danielle Jessica Lauren",
    1990: "Rebecca Lauren Jessica Charlotte Hannah Sophie Amy Emily Laura Emma Chloe Sarah Lucy Katie "
    "Bethany Jade Megan Danielle Amber Georgia Eleanor Abigail Shannon Natasha",
    2000: "Emily Chloe Megan Jessica Olivia Sophie Charlotte Hannah Lucy Ellie Grace Lauren Amy Emma "
    "Holly Mia Ruby Katie Molly Amelia Isabelle Millie Evie Jasmine",
}
_BOYS = {
    1920: "John William George James Thomas Ronald Kenneth Robert Arthur Albert Frederick Leslie Charles "
    "Dennis Harold Stanley Eric Alfred Frank Ernest Edward Henry Walter Joseph",
    1930: "John Peter Brian David Michael Kenneth Ronald William Robert Dennis James George Derek Anthony "
    "Raymond Donald Roy Thomas Alan Gordon Kenneth Edward Frederick Leonard",
    1940: "John David Michael Peter Robert Anthony Brian Alan William James Richard Kenneth Roger Keith "
    "Colin Christopher Barry Terence Raymond Graham Geoffrey Malcolm Derek Trevor",
    1950: "David John Peter Michael Stephen Robert Paul Alan Christopher Richard Anthony Andrew Ian Brian "
    "William Graham Keith Kevin Martin Philip Gary Nigel Stuart Terence",
    1960: "David Paul Andrew Mark John Michael Stephen Ian Robert Richard Christopher Peter Simon Anthony "
    "Kevin Gary Steven Martin James Philip Neil Darren Colin Jonathan",
    1970: "David Paul Mark Andrew Richard Christopher James Simon Michael Matthew Stephen Lee John Robert "
    "Darren Daniel Steven Jason Nicholas Jonathan Craig Wayne Carl Neil",
    1980: "Christopher James David Daniel Michael Matthew Andrew Richard Paul Mark Thomas Adam Robert "
    "John Lee Benjamin Steven Jonathan Craig Stephen Ashley Liam Ryan Jamie",
    1990: "Thomas James Jack Daniel Matthew Ryan Joshua Luke Samuel Jordan Adam Michael Alexander "
    "Christopher Benjamin Joseph Liam Jake William Andrew Connor Callum Lewis Kieran",
    2000: "Jack Joshua Thomas James Daniel Samuel Oliver William Benjamin Joseph Harry Matthew Lewis Luke "
    "Ethan George Adam Alfie Callum Alexander Charlie Jacob Dylan Tyler",
}

_SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin "
    "Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips "
    "Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey "
    "Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson Foster "
    "Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight "
    "Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey O'Brien O'Connor McDonald "
    "McCarthy Byrne Doyle Gallagher MacLeod Fletcher Howarth Entwistle Kershaw Ashworth Hargreaves "
    "Whittaker Schofield Greenwood Pilling Kenyon Lomax Crompton Unsworth Tyldesley Rigby"
).split()

# (share of population, male forenames, female forenames, surnames, female surname forms or {})
_HERITAGE: list[tuple[float, str, str, str, dict[str, str]]] = [
    (
        0.05,
        "Mohammed Muhammad Ali Imran Tariq Asif Hassan Amir Zain Omar Bilal Usman",
        "Fatima Aisha Ayesha Zainab Sana Nadia Shazia Yasmin Noor Maryam Samina Rubina",
        "Khan Ali Hussain Ahmed Patel Shah Akhtar Iqbal Rahman Mahmood Chaudhry Malik",
        {},
    ),
    (
        0.03,
        "Piotr Krzysztof Tomasz Jakub Michał Paweł Marcin Łukasz",
        "Anna Katarzyna Agnieszka Magdalena Oliwia Zofia Joanna Małgorzata",
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański",
        {
            "Kowalski": "Kowalska",
            "Wiśniewski": "Wiśniewska",
            "Kamiński": "Kamińska",
            "Lewandowski": "Lewandowska",
            "Zieliński": "Zielińska",
            "Szymański": "Szymańska",
        },
    ),
    (
        0.025,
        "Chinedu Oluwaseun Kwame Emeka Tunde Kofi Adebayo Femi",
        "Chioma Adaeze Ama Funmilayo Ngozi Abena Folake Blessing",
        "Okafor Adeyemi Okoro Mensah Boateng Asante Adebayo Oluwole Nwosu Owusu",
        {},
    ),
    (
        0.01,
        "Wei Jun Hao Ming Jian Lei",
        "Mei Xin Yan Ling Hui Jing",
        "Chen Wang Li Zhang Liu Wong Chan Lam",
        {},
    ),
]

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Margaret": ("Peggy", "Maggie", "Meg"),
    "William": ("Bill", "Billy", "Will"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Alexander": ("Sandy", "Alex"),
    "Elizabeth": ("Liz", "Beth", "Betty", "Lizzie"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Richard": ("Dick", "Rich"),
    "Edward": ("Ted", "Eddie"),
    "Anthony": ("Tony",),
    "Christopher": ("Chris",),
    "Michael": ("Mike", "Mick"),
    "Thomas": ("Tom", "Tommy"),
    "Joseph": ("Joe",),
    "Samuel": ("Sam",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Andrew": ("Andy",),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "David": ("Dave",),
    "Peter": ("Pete",),
    "Kenneth": ("Ken",),
    "Ronald": ("Ron", "Ronnie"),
    "Dorothy": ("Dot", "Dolly"),
    "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue",),
    "Catherine": ("Kate", "Cathy"),
    "Kathleen": ("Kath",),
    "Jennifer": ("Jenny", "Jen"),
    "Rebecca": ("Becky",),
    "Victoria": ("Vicky",),
    "Samantha": ("Sam",),
    "Deborah": ("Debbie",),
    "Christine": ("Chris",),
    "Pamela": ("Pam",),
    "Jacqueline": ("Jackie",),
    "Benjamin": ("Ben",),
    "Jonathan": ("Jon",),
    "Nicholas": ("Nick",),
    "Frederick": ("Fred",),
    "Albert": ("Bert",),
    "Alfred": ("Alf",),
    "Gillian": ("Gill",),
    "Sandra": ("Sandy",),
    "Charles": ("Charlie",),
    "Henry": ("Harry",),
    "John": ("Jack", "Johnny"),
    "Mary": ("Molly", "Polly"),
    "Joshua": ("Josh",),
    "Nicola": ("Nicky",),
    "Jessica": ("Jess",),
    "Charlotte": ("Lottie",),
    "Amanda": ("Mandy",),
    "Philip": ("Phil",),
    "Terence": ("Terry",),
    "Raymond": ("Ray",),
    "Gerald": ("Gerry",),
    "Valerie": ("Val",),
    "Barbara": ("Babs",),
    "Josephine": ("Jo",),
    "Joanne": ("Jo",),
    "Leonard": ("Len",),
    "Walter": ("Wally",),
    "Stanley": ("Stan",),
    "Gregory": ("Greg",),
    "Timothy": ("Tim",),
}


# The long tails: names outside the top lists, each rare, together most of the population.
_OTHER_GIRLS = (
    "Alice Alison Andrea Beverley Bridget Carole Charlene Cheryl Colette Dawn Eleanor Fiona Frances Gail "
    "Georgina Hazel Heather Imogen Isobel Jill Joanna Josephine Judith Julia Leanne Lindsey Lorna Lynn Maria "
    "Marie Melanie Miriam Naomi Paula Rachael Rosemary Ruth Sian Sonia Tanya Teresa Vanessa Yvonne Zoe "
    "Freya Phoebe Poppy Niamh Erin Leah Kayleigh Carly Stephanie Hollie Alexandra Catherine Rose Esther"
)
_OTHER_BOYS = (
    "Adrian Alistair Barry Bernard Brendan Cameron Carl Clive Damian Dean Dominic Douglas Duncan Edwin "
    "Francis Gavin Glenn Harvey Howard Hugh Jeremy Joel Julian Justin Karl Leon Lloyd Marcus Max Maurice "
    "Nathan Noel Oscar Owen Patrick Rhys Ross Russell Scott Sean Shaun Toby Vincent Warren Declan Aaron "
    "Bradley Elliot Finley Harrison Mason Reece Jamie Gareth Timothy Gregory Leonard Stanley Walter"
)
_TOPONYM_HEADS = (
    "Ash Black Brad Brook Brom Chad Clay Crom Hart Hay Hol Kent Lang Mar Mid Mil North Ox Rad Red Shel South "
    "Stan Stock Thorn Wal West Whit Win Wood Al Bar Bur Dar Ed Gold Hal Ket Lever Mos Ring Sal Sed Tat Wig"
)
_TOPONYM_TAILS = "ley ton ford worth field wood by ham well den shaw croft bury hurst dale"


def _zipf(
    names: Sequence[str], exponent: float = 0.8, tail: Sequence[str] = (), tail_share: float = 0.0
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Names with cumulative weights: the top list falling with rank, then a flat tail of rare names."""
    top = tuple(dict.fromkeys(names))
    rest = tuple(n for n in dict.fromkeys(tail) if n not in top)
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(top))]
    total = sum(weights)
    weights = [w / total * (1.0 - tail_share) for w in weights]
    weights += [tail_share / len(rest)] * len(rest) if rest else []
    return top + rest, tuple(itertools.accumulate(weights))


FORENAMES: dict[tuple[str, int], tuple[tuple[str, ...], tuple[float, ...]]] = {
    **{("F", dec): _zipf(text.split(), 0.6, _OTHER_GIRLS.split(), 0.4) for dec, text in _GIRLS.items()},
    **{("M", dec): _zipf(text.split(), 0.6, _OTHER_BOYS.split(), 0.4) for dec, text in _BOYS.items()},
}
_TOPONYMS = [h + t for h in _TOPONYM_HEADS.split() for t in _TOPONYM_TAILS.split()]
SURNAMES = _zipf(_SURNAMES, 0.6, [n[0].upper() + n[1:] for n in _TOPONYMS], 0.72)


class Heritage(NamedTuple):
    """A naming tradition: its share of residents, forenames, surnames and feminine surname forms."""

    share: float
    male: tuple[tuple[str, ...], tuple[float, ...]]
    female: tuple[tuple[str, ...], tuple[float, ...]]
    family: tuple[tuple[str, ...], tuple[float, ...]]
    feminine: dict[str, str]


HERITAGES = [
    Heritage(
        share, _zipf(male.split(), 0.3), _zipf(female.split(), 0.3), _zipf(family.split(), 0.3), feminine
    )
    for share, male, female, family, feminine in _HERITAGE
]


def decade_of(year: int) -> int:
    """The forename table's decade for a birth year (clamped to the decades we hold)."""
    return min(max(year // 10 * 10, 1920), 2000)


def typo(value: str, salt: int) -> str:
    """One slip in ``value``, chosen by ``salt``: a letter substituted, dropped, doubled or swapped."""
    if len(value) < 3:
        return value + value[-1:]
    pos = 1 + salt % (len(value) - 2)
    op = (salt >> 8) % 4
    if op == 0:
        letters = "aeiourstnl"
        ch = letters[(salt >> 12) % len(letters)]
        if ch == value[pos].lower():
            ch = "y"
        if value[pos].isupper():
            ch = ch.upper()
        return value[:pos] + ch + value[pos + 1 :]
    if op == 1:
        return value[:pos] + value[pos + 1 :]
    if op == 2:
        return value[:pos] + value[pos] + value[pos:]
    if value[pos] == value[pos + 1]:
        return value[:pos] + value[pos + 1 :]
    return value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]
