"""GeoReport v2 wire formats: the same plain data as JSON or as the spec's XML shape."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response
from lxml import etree

FORMATS = ("json", "xml")
# A list under one of these keys becomes <key><item>…</item>…</key> in XML.
XML_ITEM_TAGS = {"attributes": "attribute", "values": "value"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _append(parent: etree._Element, key: str, value: Any) -> None:
    element = etree.SubElement(parent, key)
    if isinstance(value, Mapping):
        for child_key, child_value in value.items():
            _append(element, child_key, child_value)
    elif isinstance(value, list | tuple):
        item_tag = XML_ITEM_TAGS.get(key, "item")
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, item_tag: str | None, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> bytes:
    """``<root_tag><item_tag>…</item_tag>…</root_tag>`` for a list, ``<root_tag>…</root_tag>`` for one object."""
    root = etree.Element(root_tag)
    items: Sequence[Mapping[str, Any]] = [data] if isinstance(data, Mapping) else data
    for item in items:
        parent = root if item_tag is None else etree.SubElement(root, item_tag)
        for key, value in item.items():
            _append(parent, key, value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def respond(
    fmt: str,
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    xml_root: str,
    xml_item: str | None,
    status: int = 200,
) -> Response:
    if fmt == "xml":
        body = to_xml(xml_root, xml_item, data)
        return Response(body, status=status, content_type="text/xml; charset=utf-8")
    text = json.dumps(data, ensure_ascii=False)
    return Response(text, status=status, content_type="application/json; charset=utf-8")


def format_of_path(path: str) -> str:
    """The response format a URL asks for by its suffix; JSON when it names none we serve."""
    return "xml" if path.lower().endswith(".xml") else "json"


def error_response(fmt: str, status: int, description: str) -> Response:
    """The spec's error list: ``[{"code", "description"}]`` / ``<errors><error>…</error></errors>``."""
    return respond(
        fmt, [{"code": status, "description": description}], xml_root="errors", xml_item="error", status=status
    )
