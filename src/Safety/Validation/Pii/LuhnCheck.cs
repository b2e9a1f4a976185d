namespace Agents.Safety.Validation;

/// <summary>The Luhn (mod 10) checksum of payment card numbers.</summary>
public static class LuhnCheck
{
    /// <summary>Checks the digits of <paramref name="number"/>, ignoring spaces and dashes.</summary>
    /// <param name="number">The number.</param>
    /// <returns>Whether it has at least two digits, nothing but digits and separators, and a valid checksum.</returns>
    public static bool IsValid(ReadOnlySpan<char> number)
    {
        var sum = 0;
        var digits = 0;
        for (var i = number.Length - 1; i >= 0; i--)
        {
            var c = number[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (c is < '0' or > '9')
            {
                return false;
            }

            var d = c - '0';
            if (digits % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            digits++;
        }

        return digits >= 2 && sum % 10 == 0;
    }
}
