//! Fuzz bytes read front to back as choices. A reader that runs out answers zeros and empty
//! slices, so every input, however short, means something.

pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// Up to `n` bytes (fewer when the input runs out).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A value from `table` (first byte below 0x80), or that byte's low 7 bits as the length of
    /// raw bytes that follow. Tables hold the words the sandbox knows; raw bytes hold the rest.
    pub fn pick(&mut self, table: &[&'static [u8]]) -> &'a [u8] {
        let b = self.byte();
        if b < 0x80 {
            table[usize::from(b) % table.len()]
        } else {
            self.bytes(usize::from(b & 0x7F))
        }
    }

    /// Everything not read yet.
    pub fn rest(self) -> &'a [u8] {
        self.data
    }
}
