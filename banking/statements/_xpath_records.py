"""Read many fields of an XML element with one compiled XPath call.

A camt statement can hold 100,000 entries. Looking their fields up one by
one costs microseconds per lookup in Python; a single compiled XPath per
element that concatenates all fields runs inside libxml2 and is several times
faster. Fields are named paths of local element names, written without
namespace prefixes ("RltdPties/Dbtr/Nm"); alternatives are joined with "|"
and "count(...)" counts elements. The namespace is taken from the element
itself, so any camt version works.
"""

from __future__ import annotations

from lxml import etree

# lxml refuses control characters in an XPath, so the separator is a
# private-use character. Should a file ever contain it, the values do not
# split into the right number of parts and a slower expression that removes
# it from every value is used instead.
SEPARATOR = "\ue000"
_PREFIX = "c"


def namespace_of(element: etree._Element) -> str:
    tag = element.tag
    return tag[1 : tag.index("}")] if isinstance(tag, str) and tag.startswith("{") else ""


def _qualify(path: str, namespace: str) -> str:
    prefix = f"{_PREFIX}:" if namespace else ""
    return " | ".join(
        "/".join(step if step.startswith("@") else prefix + step for step in alternative.split("/"))
        for alternative in path.split("|")
    )


def _field_expression(template: str, namespace: str, *, safe: bool) -> str:
    if template.startswith("count(") and template.endswith(")"):
        return f"count({_qualify(template[6:-1], namespace)})"
    value = f"string(({_qualify(template, namespace)}))"
    return f'translate({value}, "{SEPARATOR}", "")' if safe else value


class RecordReader:
    """Named fields of one kind of element, read in a single XPath call.

    Values come back stripped; an absent element gives "".
    """

    def __init__(self, **fields: str) -> None:
        self.names = tuple(fields)
        self.templates = tuple(fields.values())
        self._compiled: dict[tuple[str, bool], etree.XPath] = {}

    def read(self, element: etree._Element) -> dict[str, str]:
        namespace = namespace_of(element)
        values = self._xpath(namespace, safe=False)(element).split(SEPARATOR)
        if len(values) != len(self.names):
            values = self._xpath(namespace, safe=True)(element).split(SEPARATOR)
        return {name: value.strip() for name, value in zip(self.names, values, strict=True)}

    def _xpath(self, namespace: str, *, safe: bool) -> etree.XPath:
        compiled = self._compiled.get((namespace, safe))
        if compiled is None:
            parts = [_field_expression(t, namespace, safe=safe) for t in self.templates]
            expression = f', "{SEPARATOR}", '.join(parts)
            compiled = self._compiled[(namespace, safe)] = etree.XPath(
                f"concat({expression}, '')", namespaces={_PREFIX: namespace} if namespace else None
            )
        return compiled


class ElementsReader:
    """The elements at one path below an element, for repeated groups (TxDtls)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._compiled: dict[str, etree.XPath] = {}

    def read(self, element: etree._Element) -> list[etree._Element]:
        namespace = namespace_of(element)
        xpath = self._compiled.get(namespace)
        if xpath is None:
            xpath = self._compiled[namespace] = etree.XPath(
                _qualify(self.path, namespace), namespaces={_PREFIX: namespace} if namespace else None
            )
        return list(xpath(element))


class TextsReader(ElementsReader):
    """The whitespace-normalised texts at one path, for repeated values (Ustrd)."""

    def read_texts(self, element: etree._Element) -> list[str]:
        return [" ".join("".join(found.itertext()).split()) for found in self.read(element)]
