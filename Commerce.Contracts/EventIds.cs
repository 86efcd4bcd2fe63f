using System.Security.Cryptography;
using System.Text;

namespace Commerce.Contracts;

/// <summary>
/// Event ids derived from what an event answers (an order and the step), so the same reply written
/// twice, after a redelivery, is the same event and consumers apply it once.
/// </summary>
public static class EventIds
{
    public static Guid For(Guid subject, string step)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subject:N}/{step}"));
        // Shaped as an RFC 9562 version 8 (custom) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
