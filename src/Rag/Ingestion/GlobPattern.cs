using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Rag;

/// <summary>
/// A file glob over relative paths with forward slashes: <c>**</c> matches any number of folders, <c>*</c> anything
/// within one name, <c>?</c> one character. A pattern without a slash matches the file name in any folder.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;
    private readonly bool _matchesNameOnly;

    public GlobPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        pattern = pattern.Replace('\\', '/').TrimStart('/');
        _matchesNameOnly = !pattern.Contains('/', StringComparison.Ordinal);
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var followedBySlash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(followedBySlash ? "(?:.*/)?" : ".*");
                i += followedBySlash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
    }

    public bool IsMatch(string relativePath)
    {
        var subject = _matchesNameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath;
        return _regex.IsMatch(subject);
    }
}
