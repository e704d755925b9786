from digigov.core import registry


def generate(ctx):
    raise NotImplementedError


registry.register_demo("accounts", generate, after=("org",))
