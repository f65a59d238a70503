"""What AI does: classification, regression, clustering and reinforcement learning, trained live on
a 2-D canvas (lecture: the basic tasks of AI)."""

SECTION, ORDER = "basics", 10
REQUIRES = ("sklearn", "gymnasium")
