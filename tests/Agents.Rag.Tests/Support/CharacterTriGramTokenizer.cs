namespace Agents.Rag.Tests;

/// <summary>A fake model tokenizer: every three non-space characters (and every space run) make one token.</summary>
internal sealed class CharacterTriGramTokenizer : ITokenizer
{
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) =>
        Enumerable.Range(0, CountTokens(text)).ToList();

    public string Decode(IEnumerable<int> tokens) => string.Concat(tokens.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public int CountTokens(string text)
    {
        var count = 0;
        var run = 0;
        var previousSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!previousSpace)
                {
                    count++;
                }

                previousSpace = true;
                run = 0;
                continue;
            }

            previousSpace = false;
            if (run % 3 == 0)
            {
                count++;
            }

            run++;
        }

        return count;
    }
}
