"""The returns desk's message tables and message keys, read from its JavaScript, and the checks on them.

Every module of the desk adds its messages with `register({en: {...}, "zh-Hans": {...}})` and says
them with `t("key")` (`static/returns-desk/i18n.js`). The JavaScript is read token by token
(strings, template literals, regular expressions and comments told apart), never run.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from saleor_returns.catalogs import placeholders
from saleor_returns.paths import BASE_DIR

DESK_DIR = BASE_DIR / "saleor_returns" / "dashboard" / "static" / "returns-desk"
LANGUAGES = ("en", "zh-Hans")
# Keys look like "detail.timeline.title": dotted words.
KEY = re.compile(r"^[A-Za-z][\w-]*(\.[\w-]+)+$")
_REGEX_MAY_FOLLOW = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "of", "in", None}


@dataclass
class Token:
    kind: str  # "string", "template", "regex", "word", "number" or "punct"
    text: str
    # A template literal's literal text before its first ${...}; its expressions, as tokens.
    head: str = ""
    parts: list = field(default_factory=list)

    @property
    def value(self) -> str:
        """A string literal's value."""
        return json.loads(self.text) if self.text.startswith('"') else json.loads(_double_quoted(self.text[1:-1]))


def _double_quoted(single_quoted_body: str) -> str:
    return '"' + single_quoted_body.replace("\\'", "'").replace('"', '\\"') + '"'


def tokenize(source: str, start: int = 0, *, until_brace: bool = False) -> tuple[list[Token], int]:
    """The tokens of `source` from `start`, comments and spaces left out; with `until_brace`, up to the
    `}` closing a template literal's `${` (returned position just after it)."""
    tokens: list[Token] = []
    depth = 0
    i, n = start, len(source)
    while i < n:
        c = source[i]
        previous = tokens[-1].text if tokens and tokens[-1].kind in ("punct", "word") else (None if not tokens else "")
        if c.isspace():
            i += 1
        elif source.startswith("//", i):
            newline = source.find("\n", i)
            i = n if newline < 0 else newline
        elif source.startswith("/*", i):
            i = source.index("*/", i + 2) + 2
        elif c in "\"'":
            end = _string_end(source, i)
            tokens.append(Token("string", source[i:end]))
            i = end
        elif c == "`":
            token, i = _template(source, i)
            tokens.append(token)
        elif c == "/" and previous in _REGEX_MAY_FOLLOW:
            end = _regex_end(source, i)
            tokens.append(Token("regex", source[i:end]))
            i = end
        elif c.isalpha() or c in "_$":
            match = re.compile(r"[\w$]+").match(source, i)
            tokens.append(Token("word", match.group()))
            i = match.end()
        elif c.isdigit():
            match = re.compile(r"[\w.]+").match(source, i)
            tokens.append(Token("number", match.group()))
            i = match.end()
        else:
            if until_brace and c == "{":
                depth += 1
            elif until_brace and c == "}":
                if depth == 0:
                    return tokens, i + 1
                depth -= 1
            tokens.append(Token("punct", c))
            i += 1
    if until_brace:
        raise ValueError("unterminated ${ in a template literal")
    return tokens, i


def _string_end(source: str, start: int) -> int:
    quote, i = source[start], start + 1
    while source[i] != quote:
        if source[i] == "\n":
            raise ValueError(f"unterminated string at {start}")
        i += 2 if source[i] == "\\" else 1
    return i + 1


def _regex_end(source: str, start: int) -> int:
    i, in_class = start + 1, False
    while in_class or source[i] != "/":
        if source[i] == "\n":
            raise ValueError(f"unterminated regular expression at {start}")
        if source[i] == "\\":
            i += 1
        elif source[i] == "[":
            in_class = True
        elif source[i] == "]":
            in_class = False
        i += 1
    i += 1
    while i < len(source) and source[i].isalpha():
        i += 1
    return i


def _template(source: str, start: int) -> tuple[Token, int]:
    i, head, parts, in_head = start + 1, [], [], True
    while source[i] != "`":
        if source[i] == "\\":
            if in_head:
                head.append(source[i : i + 2])
            i += 2
        elif source.startswith("${", i):
            expression, i = tokenize(source, i + 2, until_brace=True)
            parts.extend(expression)
            in_head = False
        else:
            if in_head:
                head.append(source[i])
            i += 1
    return Token("template", source[start : i + 1], head="".join(head), parts=parts), i + 1


def _flatten(tokens: list[Token]) -> list[Token]:
    """Tokens with every template literal's expressions after it, in order."""
    flat = []
    for token in tokens:
        flat.append(token)
        if token.kind == "template":
            flat.extend(_flatten(token.parts))
    return flat


def _balanced(tokens: list[Token], start: int) -> int:
    """The index just after the bracket closing the one at `start`."""
    opening = tokens[start].text
    closing = {"(": ")", "{": "}", "[": "]"}[opening]
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].kind == "punct" and tokens[index].text == opening:
            depth += 1
        elif tokens[index].kind == "punct" and tokens[index].text == closing:
            depth -= 1
            if depth == 0:
                return index + 1
    raise ValueError(f"unbalanced {opening}")


def _calls(tokens: list[Token], name: str):
    """The argument tokens of every call `name(...)` that is not a method call (`x.name(...)`)."""
    for index, token in enumerate(tokens):
        if (
            token.kind == "word" and token.text == name
            and index + 1 < len(tokens) and tokens[index + 1].text == "("
            and not (index and tokens[index - 1].text == ".")
            and not (index and tokens[index - 1].text == "function")
        ):
            yield tokens[index + 2 : _balanced(tokens, index + 1) - 1]


def _first_argument(arguments: list[Token]) -> list[Token]:
    depth = 0
    for index, token in enumerate(arguments):
        if token.kind == "punct" and token.text in "([{":
            depth += 1
        elif token.kind == "punct" and token.text in ")]}":
            depth -= 1
        elif token.kind == "punct" and token.text == "," and depth == 0:
            return arguments[:index]
    return arguments


def _object(tokens: list[Token]) -> dict:
    """An object literal of string keys (quoted or bare) and string or object values."""
    assert tokens[0].text == "{" and tokens[-1].text == "}", "not an object literal"
    result, index = {}, 1
    while tokens[index].text != "}":
        key_token = tokens[index]
        key = key_token.value if key_token.kind == "string" else key_token.text
        assert tokens[index + 1].text == ":", f"expected ':' after {key!r}"
        value_token = tokens[index + 2]
        if value_token.text == "{":
            end = _balanced(tokens, index + 2)
            result[key] = _object(tokens[index + 2 : end])
            index = end
        else:
            assert value_token.kind == "string", f"{key!r}: a message must be a plain string, not {value_token.text!r}"
            result[key] = value_token.value
            index += 3
        if tokens[index].text == ",":
            index += 1
    return result


def registered_tables(source: str) -> list[dict[str, dict[str, str]]]:
    """The message tables a module registers: one {language: {key: text}} per `register({...})` call."""
    tokens, _ = tokenize(source)
    return [_object(_first_argument(arguments)) for arguments in _calls(tokens, "register")]


@dataclass
class KeyUse:
    """The keys a module says: literal keys, and the fixed starts of keys built at run time."""

    keys: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)


def used_keys(source: str) -> KeyUse:
    """Keys in the first argument of every `t(...)` call: its key-shaped strings and template heads."""
    use = KeyUse()
    tokens = _flatten(tokenize(source)[0])
    for arguments in _calls(tokens, "t"):
        for token in _first_argument(arguments):
            if token.kind == "string" and KEY.match(token.value):
                use.keys.add(token.value)
            elif token.kind == "template" and token.parts and "." in token.head:
                use.prefixes.add(token.head)
    return use


def desk_modules(desk_dir: Path = DESK_DIR) -> dict[str, str]:
    return {str(path.relative_to(desk_dir)): path.read_text() for path in sorted(desk_dir.rglob("*.js"))}


def merged_tables(modules: dict[str, str]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Every module's messages per language, and the keys two modules register differently."""
    merged: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    conflicts = []
    for name, source in modules.items():
        for table in registered_tables(source):
            unknown = set(table) - set(LANGUAGES)
            if unknown:
                conflicts.append(f"{name}: unknown languages {sorted(unknown)}")
            for language in LANGUAGES:
                for key, text in table.get(language, {}).items():
                    if merged[language].get(key, text) != text:
                        conflicts.append(f"{name}: {language} {key!r} registered twice with different texts")
                    merged[language][key] = text
    return merged, conflicts


def translation_problems(tables: dict[str, dict[str, str]]) -> list[str]:
    """Chinese texts missing, empty, without an English original, or with other placeholders."""
    english, chinese = tables["en"], tables["zh-Hans"]
    problems = [f"{key!r}: no Chinese text" for key in english if not chinese.get(key, "").strip()]
    problems += [f"{key!r}: Chinese text for no English message" for key in chinese if key not in english]
    problems += [
        f"{key!r}: placeholders {sorted(placeholders(chinese[key]))} instead of {sorted(placeholders(text))}"
        for key, text in english.items()
        if chinese.get(key, "").strip() and placeholders(chinese[key]) != placeholders(text)
    ]
    problems += [f"{key!r}: empty English text" for key, text in english.items() if not text.strip()]
    return problems


def unknown_keys(english: dict[str, str], modules: dict[str, str]) -> list[str]:
    """Keys said with `t()` that the English table lacks, and key starts no English key has."""
    problems = []
    for name, source in modules.items():
        use = used_keys(source)
        problems += [f"{name}: {key!r} is not an English message" for key in sorted(use.keys - set(english))]
        problems += [
            f"{name}: no English message starts with {prefix!r}"
            for prefix in sorted(use.prefixes)
            if not any(key.startswith(prefix) for key in english)
        ]
    return problems
