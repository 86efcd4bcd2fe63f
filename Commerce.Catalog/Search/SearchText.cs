using System.Globalization;
using System.Text;

namespace Commerce.Catalog.Search;

/// <summary>
/// Turns what a shopper typed into search words: letters and digits only (any script), lower case.
/// Everything else (quotes, operators, SQL or tsquery syntax, emoji) only separates words, so no
/// input can change the meaning of a query.
/// </summary>
public static class SearchText
{
    public const int MaxWords = 8;
    public const int MaxWordLength = 40;

    public static IReadOnlyList<string> Words(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        var current = new StringBuilder();
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var isWordChar = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.OtherLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            var isMark = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (isWordChar && !(isMark && current.Length == 0))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            if (isMark)
            {
                // A mark with nothing to combine with is dropped, not a word break.
                continue;
            }

            Flush(current, words);
            if (words.Count == MaxWords)
            {
                return words;
            }
        }

        Flush(current, words);
        return words;
    }

    private static void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length == 0)
        {
            return;
        }

        var word = current.ToString();
        current.Clear();
        if (word.Length > MaxWordLength)
        {
            word = word[..MaxWordLength];
            if (char.IsHighSurrogate(word[^1]))
            {
                word = word[..^1];
            }
        }

        if (words.Count < MaxWords)
        {
            words.Add(word);
        }
    }
}
