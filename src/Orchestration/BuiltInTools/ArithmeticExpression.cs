using System.Globalization;

namespace Agents.Orchestration;

/// <summary>
/// Evaluates arithmetic expressions safely: a hand-written parser over numbers, <c>+ - * / % ^</c>, parentheses, the
/// constants <c>pi</c> and <c>e</c> and a fixed set of functions (<c>sqrt abs round floor ceil ln log10 sin cos tan min
/// max</c>). Nothing is compiled or executed: any other name is an error. Input length, nesting depth and results are
/// bounded, so hostile input fails fast with an <see cref="ArithmeticExpressionException"/>.
/// </summary>
public static class ArithmeticExpression
{
    /// <summary>The longest expression accepted, in characters.</summary>
    public const int MaxLength = 1000;

    /// <summary>The deepest nesting of parentheses, function calls and unary signs accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Evaluates <paramref name="expression"/>.</summary>
    /// <param name="expression">The expression, e.g. <c>2 * (3 + 4) ^ 2 / sqrt(16)</c>.</param>
    /// <returns>The value; always a finite number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArithmeticExpressionException">The expression is malformed, too long or too deep, divides by zero, or its value is not a finite number.</exception>
    public static double Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxLength)
        {
            throw new ArithmeticExpressionException($"The expression is longer than {MaxLength} characters.", 0);
        }

        var parser = new Parser(expression);
        var value = parser.ParseExpression(0);
        parser.SkipSpaces();
        if (!parser.AtEnd)
        {
            throw parser.Error($"unexpected '{parser.Current}'");
        }

        return Finite(value, 0);
    }

    /// <summary>Formats a value the way the calculator tool reports it: invariant culture, up to 15 significant digits.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Format(double value) => value.ToString("G15", CultureInfo.InvariantCulture);

    private static double Finite(double value, int position) =>
        double.IsFinite(value) ? value : throw new ArithmeticExpressionException("The result is not a finite number (too large, or undefined).", position);

    private sealed class Parser(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public char Current => text[_position];

        public ArithmeticExpressionException Error(string what) =>
            new($"Invalid expression at position {_position + 1}: {what}.", _position);

        public void SkipSpaces()
        {
            while (!AtEnd && (Current is ' ' or '\t'))
            {
                _position++;
            }
        }

        // expression := term (('+' | '-') term)*
        public double ParseExpression(int depth)
        {
            var value = ParseTerm(depth);
            while (true)
            {
                SkipSpaces();
                if (AtEnd || Current is not ('+' or '-'))
                {
                    return value;
                }

                var op = text[_position++];
                var right = ParseTerm(depth);
                value = Finite(op == '+' ? value + right : value - right, _position);
            }
        }

        // term := power (('*' | '/' | '%') power)*
        private double ParseTerm(int depth)
        {
            var value = ParsePower(depth);
            while (true)
            {
                SkipSpaces();
                if (AtEnd || Current is not ('*' or '/' or '%'))
                {
                    return value;
                }

                var at = _position;
                var op = text[_position++];
                var right = ParsePower(depth);
                if (op != '*' && right == 0)
                {
                    throw new ArithmeticExpressionException($"Invalid expression at position {at + 1}: division by zero.", at);
                }

                value = Finite(op switch { '*' => value * right, '/' => value / right, _ => value % right }, at);
            }
        }

        // power := unary ('^' power)?   (right-associative: 2^3^2 = 2^9)
        private double ParsePower(int depth)
        {
            var value = ParseUnary(depth);
            SkipSpaces();
            if (AtEnd || Current != '^')
            {
                return value;
            }

            var at = _position++;
            var exponent = ParsePower(Deeper(depth));
            return Finite(Math.Pow(value, exponent), at);
        }

        // unary := ('+' | '-') unary | primary
        private double ParseUnary(int depth)
        {
            SkipSpaces();
            if (!AtEnd && Current is '+' or '-')
            {
                var negative = text[_position++] == '-';
                var value = ParseUnary(Deeper(depth));
                return negative ? -value : value;
            }

            return ParsePrimary(depth);
        }

        // primary := number | '(' expression ')' | name | name '(' expression (',' expression)* ')'
        private double ParsePrimary(int depth)
        {
            SkipSpaces();
            if (AtEnd)
            {
                throw Error("the expression ends where a number was expected");
            }

            if (Current == '(')
            {
                _position++;
                var value = ParseExpression(Deeper(depth));
                Expect(')');
                return value;
            }

            if (char.IsAsciiDigit(Current) || Current == '.')
            {
                return ParseNumber();
            }

            if (char.IsAsciiLetter(Current))
            {
                return ParseName(depth);
            }

            throw Error($"unexpected '{Current}'");
        }

        private double ParseNumber()
        {
            var start = _position;
            while (!AtEnd && (char.IsAsciiDigit(Current) || Current == '.'))
            {
                _position++;
            }

            if (!AtEnd && Current is 'e' or 'E' && _position + 1 < text.Length
                && (char.IsAsciiDigit(text[_position + 1]) || (text[_position + 1] is '+' or '-' && _position + 2 < text.Length && char.IsAsciiDigit(text[_position + 2]))))
            {
                _position += 2;
                while (!AtEnd && char.IsAsciiDigit(Current))
                {
                    _position++;
                }
            }

            var literal = text.AsSpan(start, _position - start);
            if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
            {
                _position = start;
                throw Error($"'{literal}' is not a number");
            }

            return Finite(value, start);
        }

        private double ParseName(int depth)
        {
            var start = _position;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '_'))
            {
                _position++;
            }

            var name = text[start.._position].ToLowerInvariant();
            SkipSpaces();
            if (AtEnd || Current != '(')
            {
                return name switch
                {
                    "pi" => Math.PI,
                    "e" => Math.E,
                    _ => throw new ArithmeticExpressionException($"Invalid expression at position {start + 1}: unknown name '{Truncated(name)}'.", start),
                };
            }

            _position++;
            var arguments = new List<double> { ParseExpression(Deeper(depth)) };
            SkipSpaces();
            while (!AtEnd && Current == ',')
            {
                _position++;
                if (arguments.Count >= 16)
                {
                    throw Error("too many arguments");
                }

                arguments.Add(ParseExpression(Deeper(depth)));
                SkipSpaces();
            }

            Expect(')');
            return Finite(Apply(name, arguments, start), start);
        }

        private static double Apply(string name, List<double> a, int position)
        {
            double One() => a.Count == 1 ? a[0] : throw new ArithmeticExpressionException($"Invalid expression at position {position + 1}: {name} takes one argument.", position);
            double Two() => a.Count == 2 ? 0 : throw new ArithmeticExpressionException($"Invalid expression at position {position + 1}: {name} takes two arguments.", position);
            return name switch
            {
                "sqrt" => One() >= 0 ? Math.Sqrt(a[0]) : throw new ArithmeticExpressionException($"Invalid expression at position {position + 1}: the square root of a negative number.", position),
                "abs" => Math.Abs(One()),
                "round" => a.Count == 2 ? Math.Round(a[0], (int)Math.Clamp(a[1], 0, 15), MidpointRounding.AwayFromZero) : Math.Round(One(), MidpointRounding.AwayFromZero),
                "floor" => Math.Floor(One()),
                "ceil" => Math.Ceiling(One()),
                "ln" => Math.Log(One()),
                "log10" => Math.Log10(One()),
                "sin" => Math.Sin(One()),
                "cos" => Math.Cos(One()),
                "tan" => Math.Tan(One()),
                "min" => Two() + Math.Min(a[0], a[1]),
                "max" => Two() + Math.Max(a[0], a[1]),
                _ => throw new ArithmeticExpressionException($"Invalid expression at position {position + 1}: unknown function '{Truncated(name)}'.", position),
            };
        }

        private void Expect(char expected)
        {
            SkipSpaces();
            if (AtEnd || Current != expected)
            {
                throw Error(AtEnd ? $"missing '{expected}'" : $"expected '{expected}', found '{Current}'");
            }

            _position++;
        }

        private int Deeper(int depth) =>
            depth + 1 <= MaxDepth ? depth + 1 : throw Error($"the expression nests deeper than {MaxDepth} levels");

        private static string Truncated(string name) => name.Length <= 32 ? name : name[..32] + "…";
    }
}
