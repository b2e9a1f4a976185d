using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>
/// Turns a rule-free GBNF expression (literals, classes, groups, alternation, {m,n}) into an anchored .NET regex, so
/// tests can check exactly which strings the expression admits.
/// </summary>
internal static class GbnfRegex
{
    public static Regex ToRegex(string expression)
    {
        var sb = new StringBuilder("^(?:");
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            switch (c)
            {
                case '"':
                    var end = i + 1;
                    var literal = new StringBuilder();
                    while (expression[end] != '"')
                    {
                        if (expression[end] == '\\')
                        {
                            end++;
                        }

                        literal.Append(expression[end]);
                        end++;
                    }

                    sb.Append(Regex.Escape(literal.ToString()));
                    i = end;
                    break;
                case '[':
                    var close = expression.IndexOf(']', i);
                    sb.Append(expression, i, close - i + 1);
                    i = close;
                    break;
                case '(':
                    sb.Append("(?:");
                    break;
                case ' ':
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return new Regex(sb.Append(")$").ToString());
    }
}
