import { describe, expect, it } from "vitest";
import { announceText, barColour, renderSlackMessage, type SlackMessage } from "../../page/lib/block-kit.js";
import { mrkdwnToHtml, plainToHtml } from "../../page/lib/mrkdwn.js";

/** The shape the alerts function posts: blocks inside one attachment, for the colour bar. */
const alarmMessage = (): SlackMessage => ({
  text: "ALARM: lab-dev-transform-errors — Errors of lab-dev-transform",
  attachments: [
    {
      color: "#E01E5A",
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: ":rotating_light: ALARM: lab-dev-transform-errors", emoji: true },
        },
        { type: "section", text: { type: "mrkdwn", text: "*Errors of lab-dev-transform*  ·  OK → *ALARM*" } },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Metric*\nAWS/Lambda Errors" },
            { type: "mrkdwn", text: "*Condition*\nSum ≥ 1 in 1 of 1 × 60 s" },
          ],
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: "<https://console.aws.amazon.com/cloudwatch|Alarm in CloudWatch>" },
          ],
        },
      ],
    },
  ],
});

describe("mrkdwnToHtml", () => {
  it("renders bold, italic, strike and inline code", () => {
    expect(mrkdwnToHtml("*bold* _it_ ~gone~ `x<y`").value).toBe(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code class="sk-code">x&lt;y</code>',
    );
  });

  it("leaves markers inside words alone, as Slack does", () => {
    expect(mrkdwnToHtml("snake_case_name and 2*3*4").value).toBe("snake_case_name and 2*3*4");
  });

  it("turns <url|label> into a link that opens a new tab", () => {
    expect(mrkdwnToHtml("see <https://example.com/a?b=1&amp;c=2|the docs>").value).toBe(
      'see <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
    );
  });

  it("never links a javascript: URL", () => {
    const out = mrkdwnToHtml("<javascript:alert(1)|click>").value;

    expect(out).not.toContain("<a");
    expect(out).toBe("click");
  });

  it("escapes raw HTML in the text", () => {
    expect(mrkdwnToHtml("<img src=x onerror=alert(1)>").value).not.toContain("<img");
    expect(mrkdwnToHtml("a &lt;b&gt; &amp; c").value).toBe("a &lt;b&gt; &amp; c");
  });

  it("keeps code blocks verbatim, without formatting inside", () => {
    expect(mrkdwnToHtml("*Error*\n```TypeError: *x* is _y_```").value).toBe(
      '<strong>Error</strong><br><pre class="sk-pre">TypeError: *x* is _y_</pre>',
    );
  });

  it("replaces known emoji shortcodes and leaves times like 17:03:17 untouched", () => {
    expect(mrkdwnToHtml(":snail: at 17:03:17 :not_an_emoji:").value).toBe(
      '<span class="emoji" data-name="snail" role="img" aria-label="snail">🐌</span> at 17:03:17 :not_an_emoji:',
    );
  });

  it("renders bold around a link", () => {
    expect(mrkdwnToHtml("*<https://x.test|x>*").value).toBe(
      '<strong><a href="https://x.test" target="_blank" rel="noopener noreferrer">x</a></strong>',
    );
  });

  it("renders mentions as names, not links", () => {
    expect(mrkdwnToHtml("<!here> ping <@U123|ana>").value).toBe(
      '<span class="sk-mention">@here</span> ping <span class="sk-mention">@ana</span>',
    );
  });
});

describe("plainToHtml", () => {
  it("escapes markup and keeps formatting characters literal", () => {
    expect(plainToHtml("*not bold* <b>").value).toBe("*not bold* &lt;b&gt;");
  });
});

describe("barColour", () => {
  it.each([
    ["#E01E5A", "#E01E5A"],
    ["2EB67D", "#2EB67D"],
    ["danger", "#E01E5A"],
    ["red; background: url(x)", "#DDDDDD"],
    [undefined, "#DDDDDD"],
  ])("%s → %s", (input, expected) => {
    expect(barColour(input)).toBe(expected);
  });
});

describe("renderSlackMessage", () => {
  it("draws the attachment bar in the message's colour with header, section, fields and context", () => {
    const out = renderSlackMessage(alarmMessage(), { receivedAt: "2026-11-25T17:03:17Z" }).value;

    expect(out).toContain('style="--sk-bar: #E01E5A"');
    expect(out).toMatch(
      /class="sk-header"[^>]*><span class="emoji" data-name="rotating_light"[^>]*>🚨<\/span> ALARM: lab-dev-transform-errors</,
    );
    expect(out).toContain('<div class="sk-field"><strong>Metric</strong><br>AWS/Lambda Errors</div>');
    expect(out).toContain('class="sk-context"');
    expect(out).toContain(">Alarm in CloudWatch</a>");
    expect(out).toContain('datetime="2026-11-25T17:03:17.000Z"');
  });

  it("shows the fallback text above attachments, like Slack does for webhook messages", () => {
    const out = renderSlackMessage(alarmMessage()).value;

    expect(out.indexOf("ALARM: lab-dev-transform-errors — Errors")).toBeLessThan(
      out.indexOf("sk-attachment"),
    );
  });

  it("does not repeat the text when the message has top-level blocks", () => {
    const out = renderSlackMessage({
      text: "fallback only",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "shown" } }],
    }).value;

    expect(out).not.toContain("fallback only");
    expect(out).toContain("shown");
  });

  it("renders legacy attachment fields", () => {
    const out = renderSlackMessage({
      attachments: [
        { color: "good", title: "Deploy", fields: [{ title: "Env", value: "dev", short: true }] },
      ],
    }).value;

    expect(out).toContain("#2EB67D");
    expect(out).toContain("<strong>Env</strong><br>dev");
  });

  it("names unknown block types instead of dropping them", () => {
    expect(renderSlackMessage({ blocks: [{ type: "actions" }] }).value).toContain("[actions block]");
  });
});

describe("announceText", () => {
  it("uses the fallback text, else the header", () => {
    expect(announceText(alarmMessage())).toMatch(/^ALARM: lab-dev-transform-errors/);
    expect(announceText({ blocks: [{ type: "header", text: { type: "plain_text", text: "Hello" } }] })).toBe(
      "Hello",
    );
  });
});
