"""Plain data + line map -> a validated ``ScenarioSpec``, or every located issue at once."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.io.errors import Issue, Path, ScenarioError, format_path
from simulator.io.yaml_loader import LineMap, line_of
from simulator.model.checks import check_raw, check_scenario
from simulator.model.family import FAMILIES, family_names
from simulator.model.schema import ScenarioSpec


def _clean_loc(loc: tuple[Any, ...]) -> Path:
    """Drop pydantic's union-branch names so the path is the user's field path."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in _BRANCHES or part.startswith(("function-", "union[", "literal["))
        ):
            continue
        out.append(part)
    return tuple(out)


_BRANCHES = frozenset({*FAMILIES, "str", "int", "TargetingSpec"})


def _allowed_keys(model: type[BaseModel]) -> str:
    return ", ".join(sorted(model.model_fields))


def _model_at(path: Path) -> type[BaseModel] | None:
    """The schema class that owns the mapping at ``path`` (for listing allowed keys)."""
    model: Any = ScenarioSpec
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _message(err: Any, path: Path) -> str:
    kind, got = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    shown = repr(got) if isinstance(got, str) else got
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        owner = _model_at(path[:-1])
        allowed = f"; allowed keys: {_allowed_keys(owner)}" if owner else ""
        return f"unknown key '{path[-1]}'{allowed}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = ctx.get("tag", got)
        return f"unknown '{tag}'; use {', '.join(family_names())}"
    if kind in ("number_type", "number_range"):
        return str(err["msg"])
    if kind in ("finite_number",):
        return f"must be a finite number (got {shown})"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<"}.get(kind, "<=")
        bound = next(iter(ctx.values()), "")
        return f"must be {sign} {bound:g} (got {shown})"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {what} (got {shown})"
    if kind == "literal_error":
        return f"unknown {shown}; use {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return f"must use only a-z, 0-9, '_' and '-' (got {shown})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of keys to values (got {shown})"
    if kind == "list_type":
        return f"must be a list (got {shown})"
    if kind == "too_short":
        return "must not be empty"
    return f"{err['msg']} (got {shown})"


def validate_spec(data: Any, lines: LineMap, file: str) -> ScenarioSpec:
    """Validate plain data; raise one ``ScenarioError`` carrying every issue, located."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ScenarioError([Issue(file, 1, "", f"expected a YAML mapping of keys (got {kind})")])
    # `x-` keys hold anchors for merge keys (`x-defaults: &defaults {...}`, as in compose files)
    data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    issues = []
    spec = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            path = _clean_loc(tuple(err["loc"]))
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                path = (*path, "type")
            issues.append(Issue(file, line_of(lines, path), format_path(path), _message(err, path)))
    problems = check_raw(data) + (check_scenario(spec) if spec is not None else [])
    issues += [Issue(file, line_of(lines, p), format_path(p), m) for p, m in problems]
    if issues:
        raise ScenarioError(_unique(sorted(issues, key=lambda i: (i.line or 0, i.path))))
    assert spec is not None
    return spec


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple[str, str]] = set()
    out = []
    for i in issues:
        if (i.path, i.message) not in seen:
            seen.add((i.path, i.message))
            out.append(i)
    return out
