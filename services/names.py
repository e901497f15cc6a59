"""Names shown to the public: masked so that a neighbour recognises a person and a stranger
cannot look them up (王*明)."""


def mask_name(name: str) -> str:
    """王小明 → 王*明, 李强 → 李*, 欧阳娜娜 → 欧**娜; one character stays as it is."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
