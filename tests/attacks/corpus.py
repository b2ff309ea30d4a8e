"""Our corpus of hostile diagram code. Each case is an expression (run in every position: script
task, gateway condition, DMN input, DMN output) or a script (script tasks only), with what must
stop it: ``static`` — the validator refuses it before it runs (and the runtime compiler when the
validator is skipped); ``runtime`` — it compiles, and the runtime stops it with a coded problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    static: bool  # the validator can see it
    script_only: bool = False


EXPRESSIONS = [
    # Long built-ins that never reach a trace hook.
    Attack("factorial", "math.factorial(10**7)", True),
    Attack("comb", "math.comb(10**7, 5*10**6)", True),
    Attack("perm", "math.perm(10**6, 10**5)", True),
    Attack("prod", "math.prod(range(1, 10**5))", True),
    Attack("isqrt_huge", "math.isqrt(10**10**6)", True),
    Attack("tower_power", "((10**1000)**1000)**1000", True),
    Attack("power_of_power", "2**2**2**2**2", True),
    Attack("big_shift", "1 << 10**6", True),
    Attack("huge_literal", "9" * 40, True),
    Attack("sum_of_sums", "sum(map(sum, [range(50000)] * 50000))", False),
    Attack("nested_range_sum", "sum(sum(range(99999)) for i in range(99999))", False),
    Attack("sorted_big", "len(sorted(list(range(99999)) * 99999))", False),
    Attack("max_of_products", "max(i * j for i in range(99999) for j in range(99999))", False),
    Attack("any_loop", "any(i < 0 for i in range(99999) for j in range(99999))", False),
    # Formatting widths and padding.
    Attack("fstring_width", "f'{1:>999999999}'", True),
    Attack("fstring_precision", "f'{1.5:.999999999f}'", True),
    Attack("fstring_computed_width", "f'{1:>{10**9}}'", False),
    Attack("fstring_zero_pad", "f'{1:0999999999}'", True),
    Attack("format_method_width", "'{:>999999999}'.format(1)", True),
    Attack("format_nested_width", "'{:>{}}'.format(1, 10**9)", True),
    Attack("ljust", "'a'.ljust(10**9)", True),
    Attack("rjust", "'a'.rjust(10**9)", True),
    Attack("center", "'a'.center(10**9)", True),
    Attack("zfill", "'1'.zfill(10**9)", True),
    Attack("expandtabs", "('\\t' * 1000).expandtabs(10**6)", True),
    Attack("percent_star", "'%0*d' % (10**9, 1)", True),
    Attack("percent_width", "'%999999999d' % 1", True),
    Attack("percent_precision", "'%.999999999f' % 1.0", True),
    Attack("ljust_computed", "'a'.ljust(len(str(10**8)) * 10**8)", False),
    # Amplification.
    Attack("repeat_string", "'a' * 10**9", False),
    Attack("repeat_list", "[0] * 10**9", False),
    Attack("replace_amplify", "('a' * 50000).replace('a', 'a' * 50000)", False),
    Attack("replace_empty", "('a' * 90000).replace('', 'bb')", False),
    Attack("join_amplify", "('x' * 50000).join(['y' * 50000] * 3)", False),
    Attack("nested_comprehension", "len([[0] * 99999 for i in range(99999)])", False),
    Attack("dict_comprehension", "len({i: 'x' * 99999 for i in range(99999)})", False),
    Attack("str_of_big", "len(str([list(range(99999))] * 99999))", False),
    Attack("range_huge", "list(range(10**12))", False),
    Attack("repeat_tuple", "(1,) * 10**9", False),
    Attack("bytes_repeat", "b'x' * 10**9", False),
    Attack("add_amplify", "'a' * 99999 + 'b' * 99999", False),
    Attack("repr_big", "repr([1] * 99999 * 2)", False),
    # Escapes (must stay refused).
    Attack("dunder_class", "().__class__.__bases__[0].__subclasses__()", True),
    Attack("import_builtin", "__import__('os').system('true')", True),
    Attack("getattr_builtin", "getattr(1, '__class__')", False),
    Attack("format_attribute", "'{0.__class__}'.format(1)", False),
    Attack("open_file", "open('/etc/passwd').read()", False),
    Attack("eval_call", "eval('1')", True),
    Attack("lambda_def", "(lambda: 1)()", True),
    # Compiler and parser crashes.
    Attack("unary_chain", "-" * 100_000 + "1", True),
    Attack("long_sum", "+".join(["1"] * 50_000), True),
    Attack("deep_calls", "abs(" * 100 + "1" + ")" * 100, True),
    Attack("deep_lists", "[" * 60 + "]" * 60, True),
    Attack("many_nodes", "[" + ",".join(["x"] * 3000) + "]", True),
    Attack("long_string_literal", "'" + "a" * 30_000 + "'", True),
]

SCRIPTS = [
    Attack(
        "catch_timeout_loop",
        "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass",
        False,
        True,
    ),
    Attack(
        "catch_base_exception",
        "try:\n    while True:\n        pass\nexcept BaseException:\n    while True:\n        pass",
        False,
        True,
    ),
    Attack("finally_loop", "try:\n    while True:\n        pass\nfinally:\n    while True:\n        pass", False, True),
    Attack("list_doubling", "l = [1]\nfor i in range(64):\n    l.extend(l)", False, True),
    Attack("string_doubling", "s = 'a'\nfor i in range(64):\n    s = s + s", False, True),
    Attack(
        "append_forever",
        "l = []\nwhile True:\n    try:\n        l.append('x' * 99999)\n    except:\n        pass",
        False,
        True,
    ),
    Attack("deep_data", "x = []\nfor i in range(100000):\n    x = [x]\nresult = x", False, True),
    Attack("deep_dict", "x = {}\nfor i in range(100000):\n    x = {'a': x}\nresult = x", False, True),
    Attack("big_case_field", "result = ['y' * 99999 for i in range(40)]", False, True),
    Attack("many_fields", "".join(f"f{i} = 'z' * 60000\n" for i in range(8)), False, True),
    Attack("imul", "l = [1]\nl *= 10**9", True, True),
    Attack("global_stmt", "global x\nx = 1", True, True),
    Attack("import_stmt", "import os", True, True),
    Attack("function_def", "def f():\n    return 1", True, True),
    Attack("class_def", "class A:\n    pass", True, True),
    Attack("long_script", "x = 1\n" * 5000, True, True),
]

ALL = EXPRESSIONS + SCRIPTS

# A handful of payloads that also go into timers, multi-instance expressions, conditional events
# and form defaults (diagrams.MORE_POSITIONS): a long built-in, format widths and padding, seen and
# computed, and a loop the time limit must stop. (A loop that catches the time limit's exception,
# SCRIPTS' catch_timeout_loop, needs ``try``, which no expression can hold: in an expression the
# exception always ends it.)
REPRESENTATIVE = [
    attack
    for attack in EXPRESSIONS
    if attack.name
    in ("factorial", "fstring_width", "fstring_computed_width", "ljust", "ljust_computed", "max_of_products")
]
