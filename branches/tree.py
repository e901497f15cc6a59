"""Nesting an already-fetched, path-ordered list of organizations, and summing member counts
over subtrees, in Python: no query per node or per level.

treebeard's materialized path gives every node a `path` made of fixed-width steps, so a node's
ancestors are the prefixes of its path. Whatever set of nodes a person may see (a union of
subtrees), each node hangs under its nearest visible ancestor."""

from collections.abc import Iterable

from branches.models import Organization


def nest(organizations: Iterable[Organization]) -> list[Organization]:
    """Return the top-level nodes of `organizations` (ordered by path), each node given
    `children` (a list) and `subtree_count`: its `member_count` plus that of every
    descendant present in the list. Costs O(nodes x depth), no queries."""
    steplen = Organization.steplen
    by_path: dict[str, Organization] = {}
    roots: list[Organization] = []
    for node in organizations:
        node.children = []
        node.subtree_count = getattr(node, "member_count", 0)
        by_path[node.path] = node
        parent = None
        for cut in range(len(node.path) - steplen, 0, -steplen):
            parent = by_path.get(node.path[:cut])
            if parent is not None:
                break
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    # Children come after their ancestors in path order: add counts up, deepest first.
    for node in sorted(by_path.values(), key=lambda n: len(n.path), reverse=True):
        for cut in range(len(node.path) - steplen, 0, -steplen):
            ancestor = by_path.get(node.path[:cut])
            if ancestor is not None:
                ancestor.subtree_count += node.subtree_count
                break
    return roots
