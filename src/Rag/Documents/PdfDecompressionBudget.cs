using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace Agents.Rag;

/// <summary>
/// PdfPig's stream filters, counting the bytes they decompress for one document and refusing to decode more once a
/// budget is spent: a small PDF can hold compressed streams that expand a thousandfold.
/// </summary>
internal sealed class PdfDecompressionBudget(long maxBytes) : IFilterProvider
{
    private readonly IFilterProvider _inner = DefaultFilterProvider.Instance;
    private long _spent;

    /// <summary>Gets whether a stream was refused because the budget was spent.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>Gets the budget, in decompressed bytes.</summary>
    public long MaxBytes => maxBytes;

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Wrap(_inner.GetFilters(dictionary));

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Wrap(_inner.GetNamedFilters(names));

    public IReadOnlyList<IFilter> GetAllFilters() => Wrap(_inner.GetAllFilters());

    private List<IFilter> Wrap(IReadOnlyList<IFilter> filters) => [.. filters.Select(f => (IFilter)new CountingFilter(f, this))];

    private void Spend(long bytes)
    {
        if (Interlocked.Add(ref _spent, bytes) > maxBytes)
        {
            Exceeded = true;
            throw new DocumentLoadException($"the PDF's streams decompress to more than {maxBytes:N0} bytes");
        }
    }

    private sealed class CountingFilter(IFilter inner, PdfDecompressionBudget budget) : IFilter
    {
        public bool IsSupported => inner.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            if (budget.Exceeded)
            {
                throw new DocumentLoadException("the PDF's decompression budget is spent");
            }

            var output = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            budget.Spend(output.Length);
            return output;
        }
    }
}
