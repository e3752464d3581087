namespace Tessera.Iso7816.Tests;

public class ClassByteTests
{
    public static TheoryData<byte> BaseClasses => new() { 0x00, 0x80, 0x04, 0x84, 0x08, 0x0C, 0x10, 0x90, 0x94, 0x40, 0xC0, 0x60, 0xE0, 0x70 };

    [Theory]
    [MemberData(nameof(BaseClasses))]
    public void Channels_0_to_19_round_trip_keeping_class_chaining_and_SM(byte cla)
    {
        for (var channel = 0; channel <= 19; channel++)
        {
            if (channel == 19 && ClassByte.IsProprietary(cla) && ClassByte.IsChained(cla) && ClassByte.HasSecureMessaging(cla))
            {
                // 1111 1111 would be the result, and CLA FF is invalid.
                Assert.Throws<ArgumentException>(() => ClassByte.WithChannel(cla, channel));
                continue;
            }

            var withChannel = ClassByte.WithChannel(cla, channel);
            Assert.Equal(channel, ClassByte.Channel(withChannel));
            Assert.Equal(channel >= 4, ClassByte.IsFurther(withChannel));
            Assert.Equal(ClassByte.IsProprietary(cla), ClassByte.IsProprietary(withChannel));
            Assert.Equal(ClassByte.IsChained(cla), ClassByte.IsChained(withChannel));
            Assert.Equal(ClassByte.HasSecureMessaging(cla), ClassByte.HasSecureMessaging(withChannel));
            Assert.True(ClassByte.IsValid(withChannel));
        }
    }

    [Theory]
    [InlineData(0x00, 0, 0x00)]
    [InlineData(0x00, 3, 0x03)]
    [InlineData(0x00, 4, 0x40)]
    [InlineData(0x00, 19, 0x4F)]
    [InlineData(0x80, 1, 0x81)]
    [InlineData(0x80, 5, 0xC1)]
    [InlineData(0x84, 2, 0x86)]
    [InlineData(0x84, 4, 0xE0)]
    [InlineData(0xE0, 1, 0x85)]
    [InlineData(0x04, 4, 0x60)]
    [InlineData(0x0C, 2, 0x0E)]
    [InlineData(0x10, 4, 0x50)]
    [InlineData(0x70, 0, 0x14)]
    [InlineData(0x43, 1, 0x01)]
    [InlineData(0xA0, 1, 0xA1)]
    public void WithChannel_known_values(byte cla, int channel, byte expected)
    {
        Assert.Equal(expected, ClassByte.WithChannel(cla, channel));
    }

    [Theory]
    [InlineData(0x00, 0, false, false, false)]
    [InlineData(0x03, 3, false, false, false)]
    [InlineData(0x13, 3, true, false, false)]
    [InlineData(0x04, 0, false, true, false)]
    [InlineData(0x08, 0, false, true, false)]
    [InlineData(0x0C, 0, false, true, false)]
    [InlineData(0x84, 0, false, true, true)]
    [InlineData(0x40, 4, false, false, false)]
    [InlineData(0x4F, 19, false, false, false)]
    [InlineData(0x5F, 19, true, false, false)]
    [InlineData(0x60, 4, false, true, false)]
    [InlineData(0x7F, 19, true, true, false)]
    [InlineData(0xC0, 4, false, false, true)]
    [InlineData(0xE3, 7, false, true, true)]
    [InlineData(0xF2, 6, true, true, true)]
    public void Decodes_channel_chaining_SM_and_class(byte cla, int channel, bool chained, bool sm, bool proprietary)
    {
        // Codings: standards.md §1.4 (ISO 7816-4 Tables 2/3, GPCS 2.3.1 Tables 11-11/11-12, Oracle CLA summary).
        Assert.Equal(channel, ClassByte.Channel(cla));
        Assert.Equal(chained, ClassByte.IsChained(cla));
        Assert.Equal(sm, ClassByte.HasSecureMessaging(cla));
        Assert.Equal(proprietary, ClassByte.IsProprietary(cla));
    }

    [Theory]
    [InlineData(0xFF, false)]
    [InlineData(0x20, false)]
    [InlineData(0x3F, false)]
    [InlineData(0x2A, false)]
    [InlineData(0x00, true)]
    [InlineData(0x1F, true)]
    [InlineData(0x40, true)]
    [InlineData(0x7F, true)]
    [InlineData(0x80, true)]
    [InlineData(0x84, true)]
    [InlineData(0xA0, true)]
    [InlineData(0xE0, true)]
    [InlineData(0xFE, true)]
    public void Validity(byte cla, bool valid)
    {
        Assert.Equal(valid, ClassByte.IsValid(cla));
    }

    [Fact]
    public void Secure_messaging_and_chaining_bits()
    {
        Assert.Equal(0x04, ClassByte.WithSecureMessaging(0x00));
        Assert.Equal(0x84, ClassByte.WithSecureMessaging(0x80));
        Assert.Equal(0x87, ClassByte.WithSecureMessaging(0x8F));
        Assert.Equal(0x60, ClassByte.WithSecureMessaging(0x40));
        Assert.Equal(0xE3, ClassByte.WithSecureMessaging(0xC3));
        Assert.Equal(0x00, ClassByte.WithoutSecureMessaging(0x0C));
        Assert.Equal(0x81, ClassByte.WithoutSecureMessaging(0x85));
        Assert.Equal(0xC3, ClassByte.WithoutSecureMessaging(0xE3));
        Assert.Equal(0x10, ClassByte.WithChaining(0x00, true));
        Assert.Equal(0xD2, ClassByte.WithChaining(0xC2, true));
        Assert.Equal(0x84, ClassByte.WithChaining(0x94, false));
    }

    [Fact]
    public void Results_that_would_be_FF_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ClassByte.WithChannel(0xF0, 19));
        Assert.Throws<ArgumentException>(() => ClassByte.WithSecureMessaging(0xDF));
        Assert.Throws<ArgumentException>(() => ClassByte.WithChaining(0xEF, true));
        Assert.Equal(0xEF, ClassByte.WithChannel(0xE0, 19));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void Channel_out_of_range_is_refused(int channel)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassByte.WithChannel(0x00, channel));
    }
}
