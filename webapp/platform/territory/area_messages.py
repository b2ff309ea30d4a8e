"""Why a boundaries or address file was refused, in the reader's language (the admin page, the CLI)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.platform.territory.area_import import ImportRefused

REFUSALS = {
    "too_large": _l("The file is larger than %(limit)d MB."),
    "not_utf8": _l("Save the file as UTF-8 text."),
    "not_json": _l("This is not a GeoJSON file: it cannot be read as JSON (line %(line)d)."),
    "not_feature_collection": _l("This is not a GeoJSON FeatureCollection: the file needs a list of features."),
    "no_features": _l("The file has no features."),
    "too_many_features": _l("The file has more than %(limit)d features."),
    "not_a_feature": _l("Feature %(feature)d is not a GeoJSON feature."),
    "unknown_mahalla": _l(
        "Feature %(feature)d: unknown mahalla code “%(code)s” (the property “code” names the mahalla)."
    ),
    "wrong_geometry": _l(
        "Feature %(feature)d: the geometry is %(kind)s; only Polygon and MultiPolygon boundaries can be imported."
    ),
    "bad_coordinates": _l(
        "Feature %(feature)d: the coordinates must be [longitude, latitude] points in degrees, in rings."
    ),
    "short_ring": _l("Feature %(feature)d: every ring needs at least 4 points (the first repeated at the end)."),
    "too_many_points": _l("The file has more than %(limit)d points in all."),
    "no_columns": _l("The CSV file needs the columns “address” and “mahalla” in its first line."),
    "unknown_address_mahalla": _l("Line %(line)d: unknown mahalla code “%(code)s”."),
    "too_many_addresses": _l("The file has more than %(limit)d addresses."),
    "bad_csv": _l("Line %(line)d: the CSV file cannot be read (%(reason)s)."),
    "no_addresses": _l("The file has no addresses."),
}


def refusal_message(refused: ImportRefused) -> str:
    template = REFUSALS.get(refused.code)
    if template is None:
        return refused.code
    try:
        return str(template) % refused.params
    except (KeyError, TypeError, ValueError):
        return str(template)
