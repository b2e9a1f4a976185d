using System.ComponentModel;
using System.Globalization;

namespace Agents.Orchestration;

/// <summary>Ready-made tools: a safe calculator and the current time.</summary>
public static class BuiltInTools
{
    /// <summary>The name of the <see cref="Calculator"/> tool.</summary>
    public const string CalculatorName = "calculator";

    /// <summary>The name of the <see cref="CurrentTime"/> tool.</summary>
    public const string CurrentTimeName = "current_time";

    /// <summary>Makes the <c>calculator</c> tool: evaluates an arithmetic expression with <see cref="ArithmeticExpression"/> (no code execution).</summary>
    /// <returns>The tool; a malformed expression is answered to the model with what is wrong and where.</returns>
    public static AgentTool Calculator() => AgentTool.FromDelegate(
        ([Description("The arithmetic expression, e.g. \"(12.5 + 7) * 3 / sqrt(16)\". Operators: + - * / % ^; functions: sqrt abs round floor ceil ln log10 sin cos tan min max; constants: pi e.")] string expression) =>
        {
            try
            {
                return ArithmeticExpression.Format(ArithmeticExpression.Evaluate(expression));
            }
            catch (ArithmeticExpressionException ex)
            {
                throw new AgentToolException(ex.Message, ex);
            }
        },
        CalculatorName,
        "Evaluates an arithmetic expression exactly as written and returns the number. Use it for any arithmetic instead of computing in your head.");

    /// <summary>Makes the <c>current_time</c> tool: the current date and time, in UTC or a named time zone.</summary>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>The tool.</returns>
    public static AgentTool CurrentTime(TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        return AgentTool.FromDelegate(
            ([Description("An IANA or Windows time zone id such as \"Europe/Paris\"; omit for UTC.")] string? timeZone = null) =>
            {
                var now = clock.GetUtcNow();
                if (!string.IsNullOrWhiteSpace(timeZone))
                {
                    TimeZoneInfo zone;
                    try
                    {
                        zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
                    }
                    catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
                    {
                        throw new AgentToolException($"Unknown time zone '{(timeZone.Length > 64 ? timeZone[..64] : timeZone)}'; use an IANA id such as 'Europe/Paris', or omit it for UTC.", ex);
                    }

                    now = TimeZoneInfo.ConvertTime(now, zone);
                }

                return now.ToString("yyyy-MM-dd'T'HH:mm:sszzz (dddd)", CultureInfo.InvariantCulture);
            },
            CurrentTimeName,
            "Returns the current date, time and weekday (ISO 8601), in UTC or in the given time zone.");
    }
}
