using System.Globalization;
using System.Text;

namespace Agents.Backends.Llama.Grammar;

/// <summary>GBNF expressions for integers and decimal numbers within inclusive bounds, written digit by digit.</summary>
internal static class NumberGrammar
{
    /// <summary>An expression for the integers in [<paramref name="low"/>, <paramref name="high"/>] (no leading zeros, no "-0").</summary>
    public static string IntegerRange(long low, long high)
    {
        var alternatives = new List<string>();
        if (low < 0)
        {
            var negativeHigh = Math.Min(high, -1);
            alternatives.Add("\"-\" " + Group(NonNegativeRange(-negativeHigh, -low)));
        }

        if (high >= 0)
        {
            alternatives.Add(NonNegativeRange(Math.Max(low, 0), high));
        }

        return Group(string.Join(" | ", alternatives));
    }

    /// <summary>An expression for decimal numbers (integers, or a fraction ending in a non-zero digit) within the bounds.</summary>
    /// <param name="minimum">The least value, or <see langword="null"/>.</param>
    /// <param name="exclusiveMinimum">Whether the minimum itself is excluded.</param>
    /// <param name="maximum">The greatest value, or <see langword="null"/>.</param>
    /// <param name="exclusiveMaximum">Whether the maximum itself is excluded.</param>
    /// <param name="integerDigits">The most integer digits when a side is unbounded.</param>
    /// <param name="fractionDigits">The most fraction digits.</param>
    /// <param name="integerOnly">Whether only integers are wanted.</param>
    /// <returns>The expression, or <see langword="null"/> when no value this grammar can write lies in the bounds.</returns>
    public static string? Bounded(decimal? minimum, bool exclusiveMinimum, decimal? maximum, bool exclusiveMaximum, int integerDigits, int fractionDigits, bool integerOnly)
    {
        var limit = (decimal)Math.Pow(10, integerDigits) - 1;
        var minValue = Math.Max(minimum ?? -limit, -limit);
        var maxValue = Math.Min(maximum ?? limit, limit);
        var low = exclusiveMinimum && minimum is not null && decimal.Floor(minValue) == minValue ? minValue + 1 : decimal.Ceiling(minValue);
        var high = exclusiveMaximum && maximum is not null && decimal.Floor(maxValue) == maxValue ? maxValue - 1 : decimal.Floor(maxValue);
        var alternatives = new List<string>();
        if (low <= high)
        {
            alternatives.Add(IntegerRange((long)low, (long)high));
        }

        if (!integerOnly)
        {
            // I.f lies in (I, I + 1): inside the bounds when I >= minimum and I + 1 <= maximum, exclusive or not, since f > 0.
            var fraction = fractionDigits == 1
                ? "\".\" [1-9]"
                : FormattableString.Invariant($"\".\" [0-9]{{0,{fractionDigits - 1}}} [1-9]");
            var positiveLow = Math.Max(0, decimal.Ceiling(minValue));
            var positiveHigh = decimal.Floor(maxValue) - 1;
            if (positiveLow <= positiveHigh)
            {
                alternatives.Add(NonNegativeRange((long)positiveLow, (long)positiveHigh) + " " + fraction);
            }

            // -(A.f) lies in (-A - 1, -A): inside when -A - 1 >= minimum and -A <= maximum.
            var negativeLow = Math.Max(0, decimal.Ceiling(-maxValue));
            var negativeHigh = decimal.Floor(-minValue - 1);
            if (negativeLow <= negativeHigh)
            {
                alternatives.Add("\"-\" " + Group(NonNegativeRange((long)negativeLow, (long)negativeHigh)) + " " + fraction);
            }
        }

        return alternatives.Count == 0 ? null : Group(string.Join(" | ", alternatives));
    }

    private static string NonNegativeRange(long low, long high)
    {
        var alternatives = new List<string>();
        var lowDigits = low.ToString(CultureInfo.InvariantCulture).Length;
        var highDigits = high.ToString(CultureInfo.InvariantCulture).Length;
        for (var length = lowDigits; length <= highDigits; length++)
        {
            var from = Math.Max(low, length == 1 ? 0 : Pow10(length - 1));
            var to = Math.Min(high, Pow10(length) - 1);
            alternatives.Add(SameLength(from.ToString(CultureInfo.InvariantCulture), to.ToString(CultureInfo.InvariantCulture)));
        }

        return string.Join(" | ", alternatives);
    }

    // Every number between a and b, both written with the same number of digits.
    private static string SameLength(string a, string b)
    {
        if (a.Length == 0)
        {
            return string.Empty;
        }

        if (a == b)
        {
            return GbnfText.Literal(a);
        }

        var rest = a.Length - 1;
        if (a.AsSpan(1).IndexOfAnyExcept('0') < 0 && b.AsSpan(1).IndexOfAnyExcept('9') < 0)
        {
            return Digits(a[0], b[0]) + AnyDigits(rest);
        }

        if (a[0] == b[0])
        {
            return GbnfText.Literal(a[..1]) + " " + Group(SameLength(a[1..], b[1..]));
        }

        var alternatives = new List<string>
        {
            GbnfText.Literal(a[..1]) + " " + Group(SameLength(a[1..], new string('9', rest))),
        };
        if (a[0] + 1 <= b[0] - 1)
        {
            alternatives.Add(Digits((char)(a[0] + 1), (char)(b[0] - 1)) + AnyDigits(rest));
        }

        alternatives.Add(GbnfText.Literal(b[..1]) + " " + Group(SameLength(new string('0', rest), b[1..])));
        return string.Join(" | ", alternatives);
    }

    private static string Digits(char from, char to) => from == to ? $"\"{from}\"" : $"[{from}-{to}]";

    private static string AnyDigits(int count) => count == 0 ? string.Empty : FormattableString.Invariant($" [0-9]{{{count}}}");

    private static string Group(string expression) =>
        expression.Contains('|', StringComparison.Ordinal) ? "(" + expression + ")" : expression;

    private static long Pow10(int exponent)
    {
        long value = 1;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
