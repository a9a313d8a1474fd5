"""The entailments the build writes into the graph, so that plain SPARQL finds them.

A store answers ``?c a pg:Concept`` or ``?s a prov:Entity`` from the triples it holds, without
reasoning (Oxigraph and rdflib have none; Virtuoso's needs a rule set switched on per query). So
the build materialises the class hierarchy: for every ``x rdf:type C`` it adds ``x rdf:type D``
for each class ``D`` that ``C`` is a subclass of, directly or through others (``rdfs:subClassOf``
between named classes, as the TBox in ``ontology/*.ttl`` states it, including the
composite-pattern classes the reasoner fills). What else is and is not materialised is listed
in docs/ontology.md.

It works on the build's N-Triples bytes line by line and writes N-Triples: making a pyoxigraph
term for each of the graph's type triples took ten times as long (1,000 cases: 1.4 s).
"""

from __future__ import annotations

from pav_graph.rdf import RDF, RDFS

_TYPE = f"<{RDF}type>".encode()
_SUBCLASS = f"<{RDFS}subClassOf>".encode()


def _pairs(lines: list[bytes], predicate: bytes) -> list[tuple[bytes, bytes]]:
    """(subject, object) of the lines ``S <predicate> <O> .`` (named-class objects only)."""
    key = b" " + predicate + b" <"
    out = []
    for line in lines:
        if key in line:
            subject, _, rest = line.partition(b" ")
            if rest.startswith(predicate):
                obj = rest[len(predicate) + 1:].rstrip().removesuffix(b".").rstrip()
                if obj.startswith(b"<") and obj.endswith(b">"):
                    out.append((subject, obj))
    return out


def superclasses(lines: list[bytes]) -> dict[bytes, set[bytes]]:
    """Each named class (``<iri>``) with all its named superclasses, transitively, without
    itself."""
    direct: dict[bytes, set[bytes]] = {}
    for cls, parent in _pairs(lines, _SUBCLASS):
        if cls.startswith(b"<") and cls != parent:
            direct.setdefault(cls, set()).add(parent)
    closed = {}
    for cls, parents in direct.items():
        seen: set[bytes] = set()
        todo = list(parents)
        while todo:
            parent = todo.pop()
            if parent not in seen and parent != cls:
                seen.add(parent)
                todo += direct.get(parent, ())
        closed[cls] = seen
    return closed


def type_closure(ntriples: bytes) -> bytes:
    """The ``rdf:type`` triples (N-Triples, one per line) the class hierarchy entails and
    ``ntriples`` lacks; in the order of the typed resources, then of the class IRIs. Blank-node
    subjects keep their labels: load the result in one document with ``ntriples``."""
    lines = ntriples.split(b"\n")
    return entailed_types(lines, superclasses(lines))


def entailed_types(lines: list[bytes], supers: dict[bytes, set[bytes]]) -> bytes:
    """:func:`type_closure` of ``lines`` with the hierarchy given (``supers`` of
    :func:`superclasses`): the build computes it once from the shared part and applies it to each
    case's block, whose subjects no other part of the graph types."""
    if not supers:
        return b""
    typed: dict[bytes, set[bytes]] = {}
    for subject, cls in _pairs(lines, _TYPE):
        typed.setdefault(subject, set()).add(cls)
    out = []
    for subject, classes in typed.items():
        implied: set[bytes] = set()
        for cls in classes:
            implied.update(supers.get(cls, ()))
        for cls in sorted(implied - classes):
            out.append(b"%s %s %s .\n" % (subject, _TYPE, cls))
    return b"".join(out)
