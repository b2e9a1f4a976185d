using System.Text.RegularExpressions;

namespace Agents.Safety.Guards;

/// <summary>
/// The built-in prompt-injection rules. Weights are chosen so one unmistakable phrase crosses the default threshold
/// of 0.5 on its own, while the weaker signals (a "developer mode", a line starting "System:", an HTML comment) only
/// cross it together — that is what keeps look-alikes such as "ignore the noise in this signal" clean.
/// </summary>
internal static class InjectionRules
{
    // Most rules' matches start at one of their trigger words, and those rules are tried only there (RuleAnchor); the
    // others run on windows around their trigger words. Compiled backtracking rules: every pattern is written so
    // a match attempt does bounded work (bounded gaps, no nested unbounded repeats, no repeat that can start at every
    // character of a long run), so crafted input cannot make a rule backtrack for long. The three rules whose bounded
    // gaps still multiply to a large number of steps per attempt use the non-backtracking engine instead.
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;
    private const RegexOptions LinearOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private const string OverrideVerbs = @"ignore|ignoring|disregard|forget|skip|bypass|override|overrule|neglect|abandon|set\s+aside|throw\s+out|discard|nevermind|never\s+mind";
    private const string InstructionNouns = @"instructions?|prompts?|rules|directives?|guidelines|constraints|restrictions|guardrails|programming|polic(?:y|ies)|commands|orders|configuration|system\s+message|training";
    private const string Earlier = @"previous|prior|above|earlier|preceding|initial|original|former|existing|system|developer|safety|old|current|given|all(?:\s+of)?(?:\s+(?:your|the|my))?|your|my|any|content";

    public static IReadOnlyList<InjectionRule> All { get; } =
    [
        // Instruction override.
        Rule(InjectionCategories.InstructionOverride, 0.85,
            $@"\b(?:{OverrideVerbs})\b[^.\n]{{0,40}}?\b(?:{Earlier})\b[^.\n]{{0,25}}?\b(?:{InstructionNouns})\b",
            ["ignor", "disregard", "forget", "skip", "bypass", "override", "overrule", "neglect", "abandon", "set", "throw", "discard", "never"],
            ["instruction", "prompt", "rules", "directive", "guideline", "constraint", "restriction", "guardrail", "programming", "polic", "command", "order", "configuration", "system message", "training"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.75,
            @"\b(?:forget|ignore|disregard)\s+(?:everything|all|anything)\s+(?:you\s+(?:were|have\s+been|'ve\s+been)\s+(?:told|taught|instructed|given|programmed)|(?:written\s+)?above|before\s+this|said\s+(?:before|above)\s+(?:by|in)\s+the\s+system)",
            ["forget", "ignore", "disregard"],
            ["everything", "all", "anything"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.65,
            @"\b(?:new|updated|real|actual|true|revised|secret|hidden)\s+(?:system\s+)?(?:instructions?|prompt|directives?|task)\s*(?:[:\-–]|are\b|is\b)|\b(?:new|updated|real|revised)\s+system\s+rules\b",
            ["instruction", "prompt", "directive", "task", "system rules"],
            ["new", "updated", "real", "actual", "true", "revised", "secret", "hidden"],
            RuleAnchor.SecondKind),
        Rule(InjectionCategories.InstructionOverride, 0.45,
            @"\bfrom\s+now\s+on,?\s+(?:you|your)\b[^.\n]{0,40}\b(?:are|will|must|shall|should|respond|answer|act|only|never|reply|obey)\b",
            ["from"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.8,
            @"\b(?:reveal|print|show|output|repeat|display|leak|disclose|tell\s+me|give\s+me|dump|spell\s+out|write\s+out|recite|share|copy|paste|translate|include)\b[^.\n]{0,30}?\b(?:your|the)\s+(?:(?:entire|full|complete|exact|whole|verbatim)\s+)?(?:(?:system|initial|original|hidden|secret|internal|developer|pre-?prompt|confidential)\s+(?:prompt|instructions|rules|configuration|guidelines)|system\s+message)",
            ["system", "initial", "original", "hidden", "secret", "internal", "developer", "prompt", "confidential"],
            ["reveal", "print", "show", "output", "repeat", "display", "leak", "disclose", "tell", "give", "dump", "spell", "write", "recite", "share", "copy", "paste", "translate", "include"],
            RuleAnchor.SecondKind),
        Rule(InjectionCategories.InstructionOverride, 0.8,
            @"\bdo\s+not\s+(?:follow|obey|listen\s+to|comply\s+with|adhere\s+to|respect)\s+(?:your|the|any)\s+(?:(?:previous|prior|original|system|safety)\s+)?(?:rules|instructions|guidelines|policies|system\s+prompt|programming|restrictions)",
            ["do not"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.75,
            @"\b(?:override|bypass|disable|turn\s+off|deactivate|circumvent|ignore|remove|switch\s+off|lift)\s+(?:all\s+(?:of\s+)?(?:your\s+)?|any\s+(?:of\s+)?(?:your\s+)?|your\s+)(?:safety\s+|content\s+|ethical\s+|moral\s+)?(?:filters?|guardrails|safeguards|restrictions|moderation|limitations|safety\s+(?:checks|protocols|guidelines|measures))",
            ["override", "bypass", "disable", "turn", "deactivate", "circumvent", "ignore", "remove", "switch", "lift"],
            ["filter", "guardrail", "safeguard", "restriction", "moderation", "limitation", "safety"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.6,
            @"\byou(?:\s+are|'re|’re)\s+(?:now\s+)?(?:no\s+longer|not)\s+(?:bound|restricted|limited|constrained|required)\s+(?:by|to)\b",
            ["you are", "you're"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.6,
            @"\b(?:instead|rather),?\s+(?:you\s+(?:must|will|should)\s+)?(?:only\s+)?(?:reply|respond|answer|say|output|print|write)\s+(?:with\s+)?[""'“][^""'”\n]{1,60}[""'”]\s*(?:and\s+nothing\s+else|only)?",
            ["instead", "rather"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.InstructionOverride, 0.6,
            @"\b(?:admin|administrator|system|developer|root|sudo|maintenance)\s+(?:override|command|access\s+granted|authori[sz]ation\s+(?:code|granted))\b",
            ["override", "command", "access granted", "authoriz", "authoris"],
            ["admin", "system", "developer", "root", "sudo", "maintenance"],
            RuleAnchor.SecondKind),

        // Role-play jailbreaks.
        Rule(InjectionCategories.RolePlayJailbreak, 0.85, @"\bdo\s+anything\s+now\b|\bDAN\s+(?:mode|prompt|jailbreak)\b|\byou\s+are\s+(?:now\s+)?DAN\b", "anything now", "dan"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.7,
            @"\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|chaos|anarchy|no[ -]?limits?)\s+mode\b",
            ["mode"], ["jailbr", "unrestricted", "unfiltered", "uncensored", "evil", "chaos", "anarchy", "no limit", "no-limit", "nolimit"],
            RuleAnchor.SecondKind),
        Rule(InjectionCategories.RolePlayJailbreak, 0.3, @"\b(?:developer|sudo|admin|maintenance|debug|god|opposite)\s+mode\b",
            ["mode"], ["developer", "sudo", "admin", "maintenance", "debug", "god", "opposite"], RuleAnchor.SecondKind),
        Rule(InjectionCategories.RolePlayJailbreak, 0.35, @"\bjailbr(?:oken|eak(?:ing)?)\b", ["jailbr"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.RolePlayJailbreak, 0.4, @"\b(?:never|must\s+not|mustn't|don't|do\s+not|cannot|can't)\s+refuse\b", "refuse"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.55,
            @"\b(?:answer|respond|reply|talk|speak|write|act|behave)\w*\s+(?:[\w,']+\s+){0,6}?(?:without|with\s+no|free\s+of)\s+(?:any\s+)?(?:censorship|filters?|filtering|restrictions|limits|limitations|rules|guidelines)\b",
            ["answer", "respond", "reply", "talk", "speak", "write", "act", "behave"],
            ["without", "with no", "free of"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.RolePlayJailbreak, 0.6, @"\bopposite\s+of\s+(?:your|its)\s+(?:guidelines|rules|instructions|programming|policies)\b",
            ["opposite"], null, RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.RolePlayJailbreak, 0.6,
            @"\byou\s+(?:now\s+)?(?:have|has)\s+no\s+(?:\w+\s+)?(?:restrictions|limits|limitations|rules|filters|guidelines|boundaries)\b",
            "have no", "has no"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.65,
            @"\byour\s+(?:\w+\s+)?(?:restrictions|filters|guardrails|rules|limits|limitations|guidelines|safeguards)\s+(?:have\s+been|has\s+been|are|were|is)\s+(?:now\s+)?(?:lifted|removed|disabled|turned\s+off|suspended|deactivated|revoked)\b",
            "lifted", "removed", "disabled", "turned off", "suspended", "deactivated", "revoked"),
        Rule(InjectionCategories.InstructionOverride, 0.5,
            @"\b(?:safety|content|moderation)\s+(?:layer|filters?|checks?|mode|protocols?|guardrails|policy|policies)\s+(?:is\s+|are\s+|has\s+been\s+|have\s+been\s+|now\s+)?(?:disabled|off|deactivated|removed|bypassed|suspended|revoked)\b",
            ["disabled", " off", "deactivated", "removed", "bypassed", "suspended", "revoked"],
            ["safety", "content", "moderation"],
            RuleAnchor.SecondKind),
        Rule(InjectionCategories.RolePlayJailbreak, 0.8,
            @"\b(?:pretend|imagine|act|behave|roleplay|role-play|play\s+the\s+role|simulate|you\s+are)\b[^.\n]{0,30}?\b(?:you|you're|yourself|your|ai|assistant|model|chatbot|bot|llm|character)\b[^.\n]{0,50}?\b(?:no|without|free\s+(?:of|from)|not\s+bound\s+by|ignor\w*|zero|lifted|unbound\s+by)\s+(?:any\s+|all\s+)?(?:\w+\s+)?(?:restrictions?|limits|limitations|rules|filters?|guidelines|ethics|morals|censorship|policies|boundaries|guardrails|content\s+polic(?:y|ies))\b",
            ["pretend", "imagine", "act", "behave", "roleplay", "role-play", "play", "simulate", "you are"],
            ["without", "no ", "free of", "free from", "not bound", "ignor", "zero", "lifted", "unbound"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.RolePlayJailbreak, 0.8,
            @"\b(?:you\s+are|you're|act\s+as|pretend\s+to\s+be|become|roleplay\s+as|play)\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|rogue|evil|amoral|unaligned|unethical|lawless)\b",
            ["you are", "you're", "act", "pretend", "become", "roleplay", "play"],
            ["unrestricted", "unfiltered", "uncensored", "jailbroken", "rogue", "evil", "amoral", "unaligned", "unethical", "lawless"],
            RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.RolePlayJailbreak, 0.35, @"\b(?:stay|remain)\s+in\s+character\b|\b(?:never|don't|do\s+not)\s+break\s+character\b", "character"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.6,
            @"\b(?:act|pretend|play|roleplay|be)\s+(?:as\s+|to\s+be\s+|the\s+role\s+of\s+)?my\s+(?:deceased|late|dead)\s+(?:grandmother|grandma|grandfather|grandpa)\b",
            "grandm", "grandf", "grandpa"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.5,
            @"\b(?:without|no)\s+(?:any\s+)?(?:moral|ethical|content)(?:\s+(?:or|and)\s+(?:moral|ethical))?\s+(?:restrictions|limits|filters|guidelines|judgement|judgment|policy|policies)\b|\bno\s+(?:ethical|moral)\s+(?:constraints|boundaries)\b",
            "moral", "ethical", "content"),
        Rule(InjectionCategories.RolePlayJailbreak, 0.45,
            @"\b(?:two|both|dual)\s+(?:responses|answers|personalities)\b[^.\n]{0,80}\b(?:unfiltered|jailbroken|unrestricted|evil|dan)\b",
            ["responses", "answers", "personalities"], ["two", "both", "dual"], RuleAnchor.SecondKind),

        // Fake system or role markers, chat-template tokens.
        Rule(InjectionCategories.FakeRoleMarker, 0.8,
            @"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[/?INST\]|<</?SYS>>",
            "<|", "inst]", "sys>>"),
        Rule(InjectionCategories.FakeRoleMarker, 0.7,
            @"</?(?:system|system_prompt|sys|instructions?|admin|developer)>|""role""\s*:\s*""(?:system|developer)""",
            ["<system", "</system", "<sys", "</sys", "<instruction", "</instruction", "<admin", "</admin", "<developer", "</developer", "\"role\""], null, RuleAnchor.OwnTriggers),
        // Windowed, not anchored: a long run of dashes is a trigger at every character, and one window reads it once.
        Rule(InjectionCategories.FakeRoleMarker, 0.7,
            @"\b(?:end|beginning|begin|start)\s+of\s+(?:the\s+)?(?:system\s+|user\s+|original\s+)?(?:prompt|instructions|system\s+message|user\s+input|context)\b\s*[\]\-=#>:)]|[-=#*]{3}\s*(?:end|begin|start)\s+(?:of\s+)?(?:system|user|instructions|prompt)",
            "end of", "beginning of", "begin of", "start of", "---", "===", "###", "***"),
        Rule(InjectionCategories.FakeRoleMarker, 0.45,
            @"^[^\S\r\n]*(?:#{1,4}\s*|\[|\*\*)?(?:system|developer|admin|administrator)(?:\s+(?:message|prompt|instruction|override|note|notice|update))?\s*(?:\]|\*\*)?\s*:",
            ["system", "developer", "admin"], null, RuleAnchor.LineStart),
        Rule(InjectionCategories.FakeRoleMarker, 0.35, @"^[^\S\r\n]*(?:#{1,4}\s*|\[)?(?:assistant|ai|user|human)\s*(?:\])?\s*:",
            ["assistant", "human", "user:", "user]", "user :", "ai:", "ai]", "ai :"], null, RuleAnchor.LineStart),

        // Hidden text.
        LinearRule(InjectionCategories.HiddenText, 0.7, 1024,
            @"<!--[\s\S]{0,400}?\b(?:ignore|instructions?|system|prompt|assistant|you\s+must|you\s+are|AI|model|reveal|send|forward)\b[\s\S]{0,400}?-->",
            "<!--", RuleAnchor.OwnTriggers),
        // Backtracking, since anchored: an attempt is one search for "-->" (a lazy loop before a literal).
        new(InjectionCategories.HiddenText, 0.2, Build(@"<!--[\s\S]{0,2000}?-->", Options), ["<!--"], reach: 2048, anchor: RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.HiddenText, 0.35,
            @"\b(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\b|color\s*:\s*(?:white|#fff(?:fff)?|transparent)\b|opacity\s*:\s*0(?:\.0+)?\b)",
            ["display", "visibility", "font-size", "color", "opacity"], null, RuleAnchor.OwnTriggers),

        // Exfiltration.
        LinearRule(InjectionCategories.Exfiltration, 0.55, 1024,
            @"!\[[^\]]{0,100}\]\(\s*https?://[^)\s]{1,300}[?&][^)\s=]{1,40}=[^)\s]{0,300}\)",
            "![", RuleAnchor.OwnTriggers),
        Rule(InjectionCategories.Exfiltration, 0.5,
            @"\b(?:send|forward|post|upload|exfiltrate|transmit|email|leak)\b[^.\n]{0,40}\b(?:the\s+)?(?:conversation|chat\s+history|user'?s?\s+data|credentials|api\s+keys?|passwords?|secrets|system\s+prompt)\b[^.\n]{0,40}\b(?:to|at)\s+(?:https?://|\S+@\S+|this\s+(?:url|address|endpoint))",
            ["send", "forward", "post", "upload", "exfiltrate", "transmit", "email", "leak"],
            ["http", "@", "url", "address", "endpoint"],
            RuleAnchor.OwnTriggers),

        // Encoded-payload hints (the decoded payload itself is scored separately).
        Rule(InjectionCategories.EncodedPayload, 0.35,
            @"\b(?:decode|decrypt|deobfuscate|translate|convert)\b[^.\n]{0,40}\b(?:base64|base-64|hex|hexadecimal|rot13|rot-13|caesar|binary|morse)\b[^.\n]{0,60}\b(?:follow|execute|obey|do|run|perform|carry\s+out|act\s+on)\b",
            ["base64", "base-64", "hex", "rot13", "rot-13", "caesar", "binary", "morse"],
            ["decode", "decrypt", "deobfuscate", "translate", "convert"],
            RuleAnchor.SecondKind),
    ];

    private static InjectionRule Rule(string category, double weight, string pattern, params string[] triggers) =>
        new(category, weight, Build(pattern, Options), triggers);

    /// <summary>A rule with a second kind of trigger word (<paramref name="alsoRequired"/>, may be null) and optionally an anchor.</summary>
    private static InjectionRule Rule(string category, double weight, string pattern, string[] triggers, string[]? alsoRequired, RuleAnchor anchor = RuleAnchor.None) =>
        new(category, weight, Build(pattern, Options), triggers, alsoRequired, anchor: anchor);

    /// <summary>
    /// A non-backtracking rule whose matches may extend <paramref name="reach"/> characters from the trigger. When
    /// <paramref name="anchor"/> is set, they start at a trigger word, which the pattern begins with as a literal (it is
    /// tried on the text cut there).
    /// </summary>
    private static InjectionRule LinearRule(string category, double weight, int reach, string pattern, string trigger, RuleAnchor anchor = RuleAnchor.None) =>
        new(category, weight, Build(pattern, LinearOptions), [trigger], reach: reach, anchor: anchor);

    private static Regex Build(string pattern, RegexOptions options) =>
        new(pattern, options | (pattern.StartsWith('^') ? RegexOptions.Multiline : RegexOptions.None), Timeout);
}
