"""A deterministic demo stream about a fictional French telecom operator (Mirabelle Télécom).

``Simulator`` yields ``socialhub.models.Mention`` objects: ordinary days with a daily
cycle, cascades of replies and reposts, and scripted episodes (outage, competitor launch,
campaign, journalist article, coordinated controversy) whose ground truth is in
``Simulator.episodes``. ``examples/telecom.toml`` configures workspaces that match it.
"""

from socialhub.demo.scripting import Episode
from socialhub.demo.simulator import DEFAULT_START, Simulator

__all__ = ["DEFAULT_START", "Episode", "Simulator"]
