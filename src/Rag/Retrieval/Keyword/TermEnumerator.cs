namespace Agents.Rag;

/// <summary>
/// Splits text into keyword terms: runs of letters and digits, lower-cased, English stop words dropped (unless
/// asked to keep them), plurals folded by the S-stemmer ("queries" → "query", "caches" → "cache").
/// </summary>
internal ref struct TermEnumerator
{
    /// <summary>The longest term kept; longer runs are cut (they are identifiers or noise, not words).</summary>
    public const int MaxTermLength = 48;

    private readonly ReadOnlySpan<char> _text;
    private readonly Span<char> _buffer;
    private readonly bool _keepStopWords;
    private int _position;
    private int _length;

    public TermEnumerator(ReadOnlySpan<char> text, Span<char> buffer, bool keepStopWords = false)
    {
        _text = text;
        _buffer = buffer;
        _keepStopWords = keepStopWords;
    }

    public readonly ReadOnlySpan<char> Current => _buffer[.._length];

    public readonly TermEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            while (_position < _text.Length && !char.IsLetterOrDigit(_text[_position]))
            {
                _position++;
            }

            if (_position >= _text.Length)
            {
                return false;
            }

            _length = 0;
            while (_position < _text.Length && char.IsLetterOrDigit(_text[_position]))
            {
                if (_length < MaxTermLength)
                {
                    _buffer[_length++] = char.ToLowerInvariant(_text[_position]);
                }

                _position++;
            }

            var term = _buffer[.._length];
            if (!_keepStopWords && StopWords.EnglishLookup.Contains(term))
            {
                continue;
            }

            _length = Stem(_buffer, _length);
            return true;
        }
    }

    /// <summary>Harman's S-stemmer: folds common English plurals, and nothing else, so it rarely conflates words.</summary>
    private static int Stem(Span<char> term, int length)
    {
        if (length <= 3 || term[length - 1] != 's')
        {
            return length;
        }

        var word = term[..length];
        if (word.EndsWith("ies") && !word.EndsWith("eies") && !word.EndsWith("aies"))
        {
            term[length - 3] = 'y';
            return length - 2;
        }

        if (word.EndsWith("es") && !word.EndsWith("aes") && !word.EndsWith("ees") && !word.EndsWith("oes"))
        {
            return length - 1;
        }

        return word.EndsWith("us") || word.EndsWith("ss") ? length : length - 1;
    }
}
