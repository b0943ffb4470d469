"""{% shared %}: a piece of an email that is the same for everyone in a batch who shares its
"vary on" values, rendered once per batch (see registrations/email_parts.py).

    {% load email_parts %}
    {% shared "programme" seminar.pk %} ... {% endshared %}

The language, the template and whether escaping is on are always part of the key; the values
after the name must cover everything personal the piece shows or decides on (a registration's
mode, say), or one registrant's words would reach another. Put nothing personal inside that
the values do not name. Without a batch (a single email, a preview) the piece is rendered as it
is. tests/registrations/test_email_parts.py checks that an email built in a batch is the same
as built alone.
"""

from django import template
from django.utils.translation import get_language

register = template.Library()


class SharedNode(template.Node):
    def __init__(self, nodelist, name, vary_on) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        parts = context.get("parts")
        if parts is None:
            return self.nodelist.render(context)
        key = (
            "shared",
            self.origin.template_name,
            self.name.resolve(context),
            get_language(),
            context.autoescape,
            *(value.resolve(context) for value in self.vary_on),
        )
        seminar = context.get("seminar")
        if seminar is None:
            return parts.get(key, lambda: self.nodelist.render(context))
        # What a piece shows comes from the seminar (its row, its programme): kept while it
        # stays the same (EmailParts.lasting).
        return parts.lasting(seminar, key, lambda: self.nodelist.render(context))


@register.tag
def shared(parser, token) -> SharedNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a name.")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
