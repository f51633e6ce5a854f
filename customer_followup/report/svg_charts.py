"""Bar charts drawn on the server as inline SVG, so that wkhtmltopdf prints
them as it prints the rest of the document (no JavaScript runs in a PDF
report). Labels are escaped; the font is the report's CJK one."""

from markupsafe import Markup, escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Zen Hei', sans-serif"
BAR = "#3f6fb5"
TARGET = "#c0392b"


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(rows, max_value=None, unit="", target=None, target_label="", width=640, css_class=""):
    """Horizontal bars, one per ``(label, value)`` row (value ``None`` draws
    no bar and prints "—"), with an optional vertical target line.

    :return: Markup of an ``<svg>`` element
    """
    rows = list(rows)
    label_width, right, row_height, top = 170, 60, 22, 10
    height = top * 2 + row_height * max(len(rows), 1) + (16 if target is not None else 0)
    values = [value for _label, value in rows if value is not None]
    scale_max = max_value or max([*values, target or 0, 1])
    plot = width - label_width - right

    def x_of(value):
        return label_width + plot * min(value, scale_max) / scale_max

    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="o_cf_chart %s" width="%s" height="%s" '
            'viewBox="0 0 %s %s" font-family="%s" font-size="12">'
        )
        % (css_class, width, height, width, height, FONT)
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        parts.append(
            Markup('<text x="%s" y="%s" text-anchor="end">%s</text>')
            % (label_width - 6, y + 15, escape(label))
        )
        if value is None:
            parts.append(Markup('<text x="%s" y="%s">—</text>') % (label_width + 4, y + 15))
            continue
        bar = x_of(value) - label_width
        parts.append(
            Markup('<rect class="o_cf_bar" x="%s" y="%s" width="%.1f" height="%s" fill="%s"/>')
            % (label_width, y + 3, max(bar, 1.0), row_height - 6, BAR)
        )
        parts.append(
            Markup('<text x="%.1f" y="%s">%s%s</text>')
            % (label_width + bar + 4, y + 15, _number(value), escape(unit))
        )
    if target is not None:
        x = x_of(target)
        bottom = top + row_height * max(len(rows), 1)
        parts.append(
            Markup(
                '<line class="o_cf_target" x1="%.1f" y1="%s" x2="%.1f" y2="%s" stroke="%s" '
                'stroke-width="2" stroke-dasharray="4 3"/>'
            )
            % (x, top, x, bottom, TARGET)
        )
        parts.append(
            Markup('<text x="%.1f" y="%s" fill="%s" text-anchor="middle">%s %s%s</text>')
            % (x, bottom + 13, TARGET, escape(target_label), _number(target), escape(unit))
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
