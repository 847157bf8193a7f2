"""The nh3 allow-list: what an editor needs survives, anything that could run script does not."""

import pytest
from django.template import Context, Template

from scenariohub.core.sanitize import plain_text, rich_text, sanitize_html

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    '<form action="/accounts/login/"><input name="password"></form>',
    "<!-- <script>alert(1)</script> -->",
    '<object data="x.swf"></object><embed src="x.swf">',
    "<div><p>嵌套<scr<script>ipt>alert(1)</script></p></div>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_that_runs_script_survives(attack):
    cleaned = sanitize_html(attack).lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "data:", "<iframe", "<style", "style=",
                   "<form", "<input", "<object", "<embed", "<svg", "<math", "<!--"):  # fmt: skip
        assert needle not in cleaned, (attack, cleaned)


def test_editor_markup_is_kept():
    html = (
        "<h2>通知</h2><p><strong>重点</strong>与<em>说明</em></p><ul><li>一</li></ul>"
        '<ol start="3"><li>三</li></ol><blockquote>引用</blockquote>'
        '<table><tr><th scope="col">指标</th></tr><tr><td colspan="2">10</td></tr></table>'
    )
    assert sanitize_html(html) == html.replace("<table><tr>", "<table><tbody><tr>").replace(
        "</table>", "</tbody></table>"
    )


def test_links_keep_safe_urls_and_get_rel():
    cleaned = sanitize_html('<a href="https://www.sc.gov.cn/" target="_blank" title="省政府">链接</a>')
    assert 'href="https://www.sc.gov.cn/"' in cleaned and 'title="省政府"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned and "target" not in cleaned
    assert 'href="mailto:office@example.com"' in sanitize_html('<a href="mailto:office@example.com">m</a>')


def test_empty_and_none():
    assert sanitize_html(None) == "" and sanitize_html("") == "" and plain_text(None) == ""


def test_plain_text_drops_markup_and_script_text():
    assert plain_text("<p>年度<b>计划</b><script>steal()</script></p>") == "年度计划"
    assert plain_text("a < b &amp; c") == "a < b & c"  # text, escaped again when rendered


def test_plain_text_filter_is_escaped_once():
    out = Template("{% load rich_text %}{{ body|plain_text }}").render(Context({"body": "<p>1 &lt; 2</p>"}))
    assert out == "1 &lt; 2"


def test_template_filter_renders_sanitised_markup():
    out = Template("{% load rich_text %}{{ body|rich_text }}|{{ body|plain_text }}").render(
        Context({"body": '<p>好<script>x()</script><b onclick="y()">的</b></p>'})
    )
    assert out == "<p>好<b>的</b></p>|好的"
    assert str(rich_text("<i>x</i>")) == "<i>x</i>" and hasattr(rich_text("x"), "__html__")
