"""Real places (cities are places, not people) and platform venues used by the demo."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    department: str
    region: str
    lat: float
    lon: float
    population_k: int


# name | department | region | latitude | longitude | population (thousands)
_CITIES = """
Paris | Paris | Île-de-France | 48.857 | 2.352 | 2100
Marseille | Bouches-du-Rhône | Provence-Alpes-Côte d'Azur | 43.296 | 5.37 | 870
Lyon | Rhône | Auvergne-Rhône-Alpes | 45.764 | 4.836 | 520
Toulouse | Haute-Garonne | Occitanie | 43.605 | 1.444 | 500
Nice | Alpes-Maritimes | Provence-Alpes-Côte d'Azur | 43.71 | 7.262 | 340
Nantes | Loire-Atlantique | Pays de la Loire | 47.218 | -1.554 | 320
Montpellier | Hérault | Occitanie | 43.611 | 3.877 | 300
Strasbourg | Bas-Rhin | Grand Est | 48.573 | 7.752 | 290
Bordeaux | Gironde | Nouvelle-Aquitaine | 44.838 | -0.579 | 260
Lille | Nord | Hauts-de-France | 50.629 | 3.057 | 235
Rennes | Ille-et-Vilaine | Bretagne | 48.117 | -1.678 | 225
Reims | Marne | Grand Est | 49.258 | 4.032 | 180
Toulon | Var | Provence-Alpes-Côte d'Azur | 43.124 | 5.928 | 180
Saint-Étienne | Loire | Auvergne-Rhône-Alpes | 45.44 | 4.387 | 175
Le Havre | Seine-Maritime | Normandie | 49.494 | 0.108 | 165
Grenoble | Isère | Auvergne-Rhône-Alpes | 45.188 | 5.724 | 160
Dijon | Côte-d'Or | Bourgogne-Franche-Comté | 47.322 | 5.041 | 160
Angers | Maine-et-Loire | Pays de la Loire | 47.478 | -0.563 | 155
Villeurbanne | Rhône | Auvergne-Rhône-Alpes | 45.767 | 4.88 | 150
Nîmes | Gard | Occitanie | 43.837 | 4.36 | 150
Clermont-Ferrand | Puy-de-Dôme | Auvergne-Rhône-Alpes | 45.778 | 3.087 | 147
Aix-en-Provence | Bouches-du-Rhône | Provence-Alpes-Côte d'Azur | 43.529 | 5.447 | 145
Le Mans | Sarthe | Pays de la Loire | 48.006 | 0.199 | 143
Brest | Finistère | Bretagne | 48.39 | -4.486 | 140
Tours | Indre-et-Loire | Centre-Val de Loire | 47.394 | 0.685 | 137
Amiens | Somme | Hauts-de-France | 49.894 | 2.296 | 134
Limoges | Haute-Vienne | Nouvelle-Aquitaine | 45.834 | 1.261 | 131
Annecy | Haute-Savoie | Auvergne-Rhône-Alpes | 45.899 | 6.129 | 130
Perpignan | Pyrénées-Orientales | Occitanie | 42.699 | 2.895 | 120
Boulogne-Billancourt | Hauts-de-Seine | Île-de-France | 48.835 | 2.241 | 120
Metz | Moselle | Grand Est | 49.119 | 6.176 | 118
Besançon | Doubs | Bourgogne-Franche-Comté | 47.238 | 6.024 | 117
Orléans | Loiret | Centre-Val de Loire | 47.903 | 1.909 | 116
Rouen | Seine-Maritime | Normandie | 49.443 | 1.1 | 114
Saint-Denis | Seine-Saint-Denis | Île-de-France | 48.936 | 2.357 | 113
Argenteuil | Val-d'Oise | Île-de-France | 48.948 | 2.248 | 111
Mulhouse | Haut-Rhin | Grand Est | 47.75 | 7.336 | 108
Montreuil | Seine-Saint-Denis | Île-de-France | 48.864 | 2.448 | 111
Caen | Calvados | Normandie | 49.183 | -0.371 | 106
Nancy | Meurthe-et-Moselle | Grand Est | 48.692 | 6.184 | 104
Roubaix | Nord | Hauts-de-France | 50.691 | 3.174 | 98
Tourcoing | Nord | Hauts-de-France | 50.724 | 3.161 | 98
Avignon | Vaucluse | Provence-Alpes-Côte d'Azur | 43.949 | 4.806 | 91
Poitiers | Vienne | Nouvelle-Aquitaine | 46.58 | 0.34 | 89
Pau | Pyrénées-Atlantiques | Nouvelle-Aquitaine | 43.295 | -0.371 | 76
La Rochelle | Charente-Maritime | Nouvelle-Aquitaine | 46.16 | -1.151 | 77
Calais | Pas-de-Calais | Hauts-de-France | 50.951 | 1.858 | 67
Cannes | Alpes-Maritimes | Provence-Alpes-Côte d'Azur | 43.552 | 7.017 | 74
Colmar | Haut-Rhin | Grand Est | 48.079 | 7.358 | 67
Vénissieux | Rhône | Auvergne-Rhône-Alpes | 45.697 | 4.886 | 67
Valence | Drôme | Auvergne-Rhône-Alpes | 44.933 | 4.892 | 64
Chambéry | Savoie | Auvergne-Rhône-Alpes | 45.564 | 5.917 | 60
Troyes | Aube | Grand Est | 48.297 | 4.074 | 61
Bayonne | Pyrénées-Atlantiques | Nouvelle-Aquitaine | 43.493 | -1.475 | 52
Lorient | Morbihan | Bretagne | 47.748 | -3.37 | 57
Vannes | Morbihan | Bretagne | 47.658 | -2.76 | 54
Quimper | Finistère | Bretagne | 47.996 | -4.102 | 63
Thionville | Moselle | Grand Est | 49.358 | 6.168 | 41
Épinal | Vosges | Grand Est | 48.172 | 6.449 | 32
Ajaccio | Corse-du-Sud | Corse | 41.919 | 8.738 | 73
Bastia | Haute-Corse | Corse | 42.697 | 9.45 | 48
Bar-le-Duc | Meuse | Grand Est | 48.773 | 5.16 | 15
"""
CITIES: tuple[City, ...] = tuple(
    City(r[0], r[1], r[2], float(r[3]), float(r[4]), int(r[5]))
    for r in ([f.strip() for f in line.split("|")] for line in _CITIES.strip().splitlines())
)
CITY_BY_NAME = {c.name: c for c in CITIES}

# Outage episode: where the network fails.
OUTAGE_CITIES: tuple[str, ...] = ("Lyon", "Villeurbanne", "Grenoble")
# Lorraine places, where plum (mirabelle) chatter tends to come from.
PLUM_PLACES: tuple[str, ...] = ("Metz", "Nancy", "Épinal", "Thionville", "Bar-le-Duc")

SUBREDDITS: tuple[str, ...] = (
    "france", "telecom_fr", "AskFrance", "lyon", "paris", "cuisine", "jardinage",
    "informatique", "vosfinances",
)  # fmt: skip
FORUMS: tuple[str, ...] = ("forum.box-et-fibre.fr", "communaute.reseaux-mobiles.fr")
MASTODON_INSTANCES: tuple[str, ...] = (
    "mastodon.social",
    "piaille.example",
    "toot.lorraine.example",
)
