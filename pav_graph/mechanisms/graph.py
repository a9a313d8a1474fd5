"""The mechanism graph: concepts joined by causal links, its feedback loops and longest chains.

Claims about the same pair of concepts are merged into one *edge*. An edge takes part in the
analysis under the counting rule of every claim (``pav_graph.claims``): it *counts* when at
least one of its claims is stated in the source's own words; otherwise it is *possible* (only
hedged or interpreted claims) and enters only when asked for (``include_possible``). Claims that
deny a link never make an edge.

A loop is a simple cycle (networkx ``simple_cycles``); its type follows the causal-loop-diagram
rule of system dynamics: the product of the signs is positive for a *reinforcing* loop (R) and
negative for a *balancing* loop (B). A chain is a simple path from a root cause (nothing leads to
it) to a final effect (it leads nowhere).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx

from pav_graph.mechanisms.model import MechanismLink

AMBIGUOUS = "ambiguous"  # claims about one pair disagree on the sign
MAX_CHAIN_PATHS = 200_000  # enumeration stops here (the corpus graph has far fewer paths)


@dataclass
class Edge:
    """All claims about one ordered pair of concepts."""

    source: str
    target: str
    claims: list[MechanismLink]
    standing: str  # counts | possible

    @property
    def sign(self) -> str:
        signs = {c.sign for c in self.active}
        return signs.pop() if len(signs) == 1 else AMBIGUOUS

    @property
    def polarity(self) -> int:
        return {"increases": 1, "decreases": -1}.get(self.sign, 0)

    @property
    def active(self) -> list[MechanismLink]:
        """The claims that make the edge: the counting ones, or the possible ones if none counts."""
        counting = [c for c in self.claims if c.counts]
        return counting or [c for c in self.claims if c.possible]

    @property
    def sources(self) -> list[str]:
        return sorted({e.source for c in self.active for e in c.evidence})


def merge_edges(links: Iterable[MechanismLink], include_possible: bool = False) -> dict[tuple[str, str], Edge]:
    """One edge per ordered pair that has a counting claim (or a possible one, when asked)."""
    grouped: dict[tuple[str, str], list[MechanismLink]] = {}
    for link in links:
        grouped.setdefault(link.pair, []).append(link)
    edges = {}
    for pair, claims in sorted(grouped.items()):
        if any(c.counts for c in claims):
            edges[pair] = Edge(*pair, claims, "counts")
        elif include_possible and any(c.possible for c in claims):
            edges[pair] = Edge(*pair, claims, "possible")
    return edges


def digraph(edges: dict[tuple[str, str], Edge]) -> nx.DiGraph:
    g = nx.DiGraph()
    for (a, b), edge in edges.items():
        g.add_edge(a, b, edge=edge)
    return g


def _digest(kind: str, nodes: list[str]) -> str:
    return hashlib.sha1(f"{kind}\0{chr(0).join(nodes)}".encode()).hexdigest()[:8]


@dataclass
class Path:
    """A loop (the last node leads back to the first) or a chain, with its edges in order."""

    nodes: list[str]
    edges: list[Edge]
    closed: bool

    @property
    def id(self) -> str:
        return f"{'loop' if self.closed else 'chain'}-{_digest('loop' if self.closed else 'chain', self.nodes)}"

    @property
    def polarity(self) -> int:
        product = 1
        for edge in self.edges:
            product *= edge.polarity
        return product

    @property
    def type(self) -> str:
        """R (reinforcing), B (balancing), or ? when an edge has claims of both signs."""
        return {1: "R", -1: "B"}.get(self.polarity, "?")

    @property
    def standing(self) -> str:
        return "counts" if all(e.standing == "counts" for e in self.edges) else "possible"

    @property
    def sources(self) -> list[str]:
        return sorted({s for e in self.edges for s in e.sources})

    def __len__(self) -> int:
        return len(self.edges)


def _rotate(cycle: list[str]) -> list[str]:
    """A cycle written from its smallest concept id, so the same loop always reads the same."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def find_loops(edges: dict[tuple[str, str], Edge]) -> list[Path]:
    """Every simple cycle of the graph, shortest first, then by id."""
    g = digraph(edges)
    loops = []
    for cycle in nx.simple_cycles(g):
        nodes = _rotate(list(cycle))
        pairs = list(zip(nodes, nodes[1:] + nodes[:1]))
        loops.append(Path(nodes, [edges[p] for p in pairs], True))
    return sorted(loops, key=lambda p: (len(p), p.nodes))


@dataclass
class Chains:
    paths: list[Path]
    complete: bool = True  # False when the enumeration stopped at MAX_CHAIN_PATHS
    counted: int = 0
    roots: list[str] = field(default_factory=list)
    leaves: list[str] = field(default_factory=list)


def find_chains(edges: dict[tuple[str, str], Edge], limit: int = MAX_CHAIN_PATHS) -> Chains:
    """Every simple path from a root cause to a final effect (a maximal chain), longest first.

    Roots have no incoming edge and leaves no outgoing one, so a chain cannot be extended at
    either end. Paths are enumerated depth first; the enumeration stops after ``limit`` paths
    (``complete`` says whether it did)."""
    g = digraph(edges)
    roots = sorted(n for n in g if g.in_degree(n) == 0)
    leaves = sorted(n for n in g if g.out_degree(n) == 0)
    found: list[list[str]] = []
    complete = True
    for root in roots:
        stack = [(root, [root])]
        while stack:
            node, path = stack.pop()
            succ = sorted(g.successors(node), reverse=True)
            if not succ:
                found.append(path)
                if len(found) >= limit:
                    complete = False
                    break
                continue
            for nxt in succ:
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))
        if not complete:
            break
    paths = [Path(p, [edges[pair] for pair in pairwise(p)], False) for p in found if len(p) > 1]
    paths.sort(key=lambda p: (-len(p), p.nodes))
    return Chains(paths, complete, len(found), roots, leaves)


def paths_between(edges: dict[tuple[str, str], Edge], start: str, end: str,
                  max_links: int = 6) -> list[Path]:
    """Every simple path from ``start`` to ``end`` of at most ``max_links`` links, shortest first."""
    g = digraph(edges)
    if start not in g or end not in g:
        return []
    found = nx.all_simple_paths(g, start, end, cutoff=max_links)
    paths = [Path(p, [edges[pair] for pair in pairwise(p)], False) for p in found]
    return sorted(paths, key=lambda p: (len(p), p.nodes))
