using System.Text.RegularExpressions;

namespace Agents.Safety.Guards;

/// <summary>
/// One scoring rule: a pattern, the weight its match adds and its category. The pattern only runs when one of its
/// trigger words occurs (and, for rules that need two kinds of word, one of the second kind too), and then only at
/// those words (<see cref="Anchor"/>) or on windows of <see cref="Reach"/> characters either side of each trigger: the
/// scorer finds every trigger of every rule in one pass, which keeps clean text cheap and bounds the text each pattern
/// reads.
/// </summary>
internal sealed class InjectionRule(
    string category, double weight, Regex pattern, string[] triggers, string[]? alsoRequired = null, int reach = InjectionRule.DefaultReach,
    RuleAnchor anchor = RuleAnchor.None)
{
    /// <summary>The default <see cref="Reach"/>: several times the longest match the built-in rules allow with single spaces.</summary>
    public const int DefaultReach = 512;

    public string Category { get; } = category;

    public double Weight { get; } = weight;

    public Regex Pattern { get; } = pattern;

    /// <summary>Gets the trigger words, lower case; one must occur, and every match is expected to contain one.</summary>
    public IReadOnlyList<string> Triggers { get; } = [.. triggers.Select(t => t.ToLowerInvariant())];

    /// <summary>Gets the second kind of trigger words, lower case; when set, one of these must occur too.</summary>
    public IReadOnlyList<string>? AlsoRequired { get; } = alsoRequired?.Select(t => t.ToLowerInvariant()).ToArray();

    /// <summary>Gets how far a match may extend before or after the trigger word it contains, in characters.</summary>
    public int Reach { get; } = reach;

    /// <summary>
    /// Gets which trigger words every match starts at, if any: then the pattern is tried only at those words
    /// (<see cref="AnchoredPattern"/>) instead of being searched for across a window, which matters for the rules
    /// whose first word is one of many common verbs.
    /// </summary>
    public RuleAnchor Anchor { get; } = anchor;

    /// <summary>
    /// Gets the pattern matched only where the search starts, for <see cref="Anchor"/>: with <c>\G</c>, or, for the
    /// non-backtracking engine (which has no <c>\G</c>), with <c>^</c> on the text cut at the trigger word (see
    /// <see cref="AnchoredBySlicing"/>).
    /// </summary>
    /// <remarks>
    /// No match timeout: one attempt reads at most <see cref="Reach"/> characters past its trigger word and the
    /// patterns have no nested unbounded repeats, so its work is bounded; a timeout would only add a clock read to
    /// every attempt, and there is an attempt at nearly every trigger word.
    /// </remarks>
    public Regex AnchoredPattern { get; } = anchor == RuleAnchor.None
        ? pattern
        : new Regex(
            ((pattern.Options & RegexOptions.NonBacktracking) != 0 ? "^(?:" : @"\G(?:") + pattern + ")",
            (pattern.Options & RegexOptions.NonBacktracking) != 0 ? pattern.Options & ~RegexOptions.Multiline : pattern.Options,
            Regex.InfiniteMatchTimeout);

    /// <summary>
    /// Gets whether every top-level alternative of the pattern starts with <c>\b</c>: then a trigger word that continues
    /// a word ("act" in "fact") cannot start a match, and the scorer skips it without calling the pattern.
    /// </summary>
    public bool StartsAtWordBoundary { get; } = TopLevelAlternatives(pattern.ToString()).All(a => a.StartsWith(@"\b", StringComparison.Ordinal));

    /// <summary>
    /// Gets whether <see cref="AnchoredPattern"/> runs on the text cut at the trigger word: true for non-backtracking
    /// rules, whose patterns therefore start with a literal and never look behind it.
    /// </summary>
    public bool AnchoredBySlicing { get; } = (pattern.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>
    /// Gets whether the pattern is anchored at a line start ("^", multiline): then only triggers preceded on their line
    /// by nothing but white space and the markers <c>#</c>, <c>[</c> and <c>*</c> can start a match.
    /// </summary>
    public bool AtLineStart { get; } = pattern.ToString().StartsWith('^');

    /// <summary>Splits a pattern at its top-level <c>|</c> (outside groups, character classes and escapes).</summary>
    internal static List<string> TopLevelAlternatives(string pattern)
    {
        var alternatives = new List<string>();
        var depth = 0;
        var inClass = false;
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    inClass = true;
                    break;
                case ']':
                    inClass = false;
                    break;
                case '(' when !inClass:
                    depth++;
                    break;
                case ')' when !inClass:
                    depth--;
                    break;
                case '|' when !inClass && depth == 0:
                    alternatives.Add(pattern[start..i]);
                    start = i + 1;
                    break;
            }
        }

        alternatives.Add(pattern[start..]);
        return alternatives;
    }
}

/// <summary>Where an <see cref="InjectionRule"/>'s matches start.</summary>
internal enum RuleAnchor
{
    /// <summary>Anywhere near a trigger word: the pattern is searched for on windows around them.</summary>
    None,

    /// <summary>At one of the rule's own trigger words.</summary>
    OwnTriggers,

    /// <summary>At one of the rule's second kind of trigger words.</summary>
    SecondKind,

    /// <summary>
    /// At the start of a line holding one of the rule's own trigger words with only white space and the markers
    /// <c>#</c>, <c>[</c> and <c>*</c> before it (the pattern starts with <c>^</c>).
    /// </summary>
    LineStart,
}
